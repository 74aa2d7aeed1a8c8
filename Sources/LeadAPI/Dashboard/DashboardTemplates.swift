/// The dashboard's Mustache templates, compiled into the binary so a copied `ezleeds` needs no
/// folder beside it. `{{x}}` escapes HTML; `{{{x}}}` is only ever given markup built here (the
/// page body, SVG charts). No template holds a script: the Content-Security-Policy forbids it.
enum DashboardTemplates {
    static let all: [String: String] = [
        "layout": layout, "sign-in": signIn, "error": error, "overview": overview, "buyers": buyers, "buyer": buyer, "leads": leads,
        "lead": lead, "sequences": sequences, "domains": domains,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · EZLeeds</title>
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css">
        </head>
        <body>
        {{#signedIn}}
        <header>
          <strong class="brand">EZLeeds</strong>
          <span class="tenant" data-tenant="{{tenantID}}">{{tenantName}}</span>
          <nav>
            {{#nav}}<a href="{{path}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a>{{/nav}}
          </nav>
          <form method="post" action="/dashboard/sign-out" class="sign-out">
            <input type="hidden" name="csrf_token" value="{{csrfToken}}">
            <button type="submit">Sign out</button>
          </form>
        </header>
        {{/signedIn}}
        <main>
        {{{body}}}
        </main>
        <script src="/dashboard/assets/live.js" defer></script>
        </body>
        </html>
        """

    static let signIn = """
        <h1>Sign in</h1>
        <p>Sign in with an <strong>admin</strong> API key of your account (<code>ezl_admin_…</code>).</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/dashboard/sign-in" class="sign-in">
          <input type="hidden" name="csrf_token" value="{{csrfToken}}">
          <label for="api_key">Admin API key</label>
          <input id="api_key" name="api_key" type="password" autocomplete="off" required>
          <button type="submit">Sign in</button>
        </form>
        """

    static let error = """
        <h1>{{title}}</h1>
        <p class="error" role="alert" data-status="{{status}}">{{detail}}</p>
        {{#hasErrors}}<ul class="error">{{#errors}}<li><code>{{field}}</code> {{message}}</li>{{/errors}}</ul>{{/hasErrors}}
        <p><a href="/dashboard/">Back to the overview</a></p>
        """

    static let overview = """
        <h1>Overview <span class="period">{{period}}</span></h1>
        <nav class="periods">
          <a href="/dashboard/?period={{previousPeriod}}" rel="prev">← {{previousPeriod}}</a>
          {{#nextPeriod}}<a href="/dashboard/?period={{nextPeriod}}" rel="next">{{nextPeriod}} →</a>{{/nextPeriod}}
        </nav>
        <section aria-labelledby="figures">
          <h2 id="figures">This period</h2>
          <dl class="figures">
            {{#figures}}
            <div><dt>{{label}}</dt><dd data-figure="{{name}}" data-value="{{value}}">{{shown}}</dd></div>
            {{/figures}}
          </dl>
          <p class="source">The same figures as <code>GET /api/v1/reports/dashboard?period={{period}}</code>.</p>
        </section>
        <section aria-labelledby="funnel">
          <h2 id="funnel">Lead funnel</h2>
          {{{funnelChart}}}
        </section>
        <section aria-labelledby="live" class="live" data-live-url="/dashboard/live">
          <h2 id="live">Live, last hour</h2>
          <p class="source">Counted in the memory of node <code data-live="node">{{node}}</code>, which served this page (each node counts
          its own pings and sales). Rates are over the last 10 s; updated every few seconds with JavaScript on
          (<span data-live-updated="{{liveAt}}">as of {{liveTime}}</span>), on reload without it.</p>
          <dl class="figures">
            {{#live}}
            <div><dt>{{label}}</dt><dd data-live="{{name}}" data-value="{{value}}">{{shown}}</dd></div>
            {{/live}}
          </dl>
          {{{pingsChart}}}
        </section>
        """
}
