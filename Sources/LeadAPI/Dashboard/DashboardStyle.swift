/// The dashboard's one stylesheet, served from `/dashboard/assets/dashboard.css` (the
/// Content-Security-Policy allows no inline style).
enum DashboardStyle {
    static let css = """
        :root { --ink: #1d2733; --muted: #5b6878; --line: #d8dee6; --accent: #1f6feb; --bad: #b42318; --bar: #4c8bf5; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fa; }
        header { display: flex; gap: 1.5rem; align-items: center; padding: .75rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
        header .brand { font-size: 1.1rem; }
        header .tenant { color: var(--muted); }
        header nav { display: flex; gap: 1rem; flex: 1; }
        header nav a[aria-current] { font-weight: 600; text-decoration: none; color: var(--ink); }
        main { max-width: 88rem; margin: 0 auto; padding: 1.5rem; }
        h1 .period { color: var(--muted); font-weight: 400; }
        a { color: var(--accent); }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 1rem; margin: 0; }
        .figures div { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
        .figures dt { color: var(--muted); font-size: .85rem; }
        .figures dd { margin: .25rem 0 0; font-size: 1.5rem; font-variant-numeric: tabular-nums; }
        .source { color: var(--muted); font-size: .85rem; }
        .periods { display: flex; gap: 1rem; }
        .chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; max-width: 48rem; margin-bottom: 1rem; }
        .chart .bar { fill: var(--bar); }
        .chart text { font-size: 13px; fill: var(--ink); }
        .sign-in { display: grid; gap: .5rem; max-width: 26rem; }
        .sign-in input { padding: .5rem; font: inherit; }
        button { padding: .45rem .9rem; font: inherit; cursor: pointer; }
        .error { color: var(--bad); }
        h2 { margin-top: 2rem; }
        h2 code, h1 code { font-size: .8em; }
        .table { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        thead th { font-size: .8rem; color: var(--muted); font-weight: 600; white-space: nowrap; }
        tbody tr:last-child th, tbody tr:last-child td { border-bottom: 0; }
        td small { color: var(--muted); display: block; }
        .reasons span { display: inline-block; margin: 0 .3rem .2rem 0; padding: 0 .35rem; border-radius: 4px; background: #fdf0e7; font-size: .8rem; }
        .status { display: inline-block; padding: 0 .4rem; border-radius: 4px; font-size: .8rem; background: #eef1f4; color: var(--muted); }
        .status.active, .status.delivered, .status.verified, .status.accepted, .status.completed { background: #e6f4ea; color: #17663a; }
        .status.paused, .status.pending, .status.pending_verification, .status.sold { background: #fff4d6; color: #7a5200; }
        .status.failed, .status.rejected, .status.returned, .status.duplicate, .status.ended { background: #fde8e7; color: var(--bad); }
        .check.pass { color: #17663a; } .check.fail { color: var(--bad); }
        .ok { color: #17663a; } .bad { color: var(--bad); }
        .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: .25rem 1.5rem; margin: 0; }
        .facts div { padding: .3rem 0; border-bottom: 1px solid var(--line); }
        .facts dt { color: var(--muted); font-size: .8rem; } .facts dd { margin: 0; overflow-wrap: anywhere; }
        .certificate, .delivery, .sequence, .domain { margin-bottom: 1.5rem; }
        .filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: .75rem; }
        .filters label { display: grid; font-size: .8rem; color: var(--muted); }
        .filters input, .filters select { font: inherit; padding: .3rem; }
        .events { padding-left: 1.2rem; } .events time { color: var(--muted); font-size: .85rem; }
        .pages, .crumbs { display: flex; gap: 1rem; }
        .live .figures dd { font-size: 1.3rem; }
        .buyers td, .pings td, .leads td, .funnel td, .steps td { white-space: nowrap; }
        .buyers td.reasons { white-space: normal; min-width: 12rem; }
        .events li { overflow-wrap: anywhere; margin-bottom: .2rem; }
        code { overflow-wrap: anywhere; }
        .columns .bar { fill: var(--bar); }
        .live svg { margin-top: 1rem; }
        """
}
