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
        main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
        h1 .period { color: var(--muted); font-weight: 400; }
        a { color: var(--accent); }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 1rem; margin: 0; }
        .figures div { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
        .figures dt { color: var(--muted); font-size: .85rem; }
        .figures dd { margin: .25rem 0 0; font-size: 1.5rem; font-variant-numeric: tabular-nums; }
        .source { color: var(--muted); font-size: .85rem; }
        .periods { display: flex; gap: 1rem; }
        .chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; max-width: 48rem; }
        .chart .bar { fill: var(--bar); }
        .chart text { font-size: 13px; fill: var(--ink); }
        .sign-in { display: grid; gap: .5rem; max-width: 26rem; }
        .sign-in input { padding: .5rem; font: inherit; }
        button { padding: .45rem .9rem; font: inherit; cursor: pointer; }
        .error { color: var(--bad); }
        """
}
