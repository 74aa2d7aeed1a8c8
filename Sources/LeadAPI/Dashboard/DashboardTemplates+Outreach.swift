extension DashboardTemplates {
    static let sequences = """
        <h1>Sequences</h1>
        <p class="source">Enrollments as <code>GET /api/v1/sequences</code> counts them; each step's attempts by outcome, from the
        outreach history every lead's page shows.</p>
        {{#sequences}}
        <section class="sequence" id="{{id}}" data-sequence="{{id}}" aria-labelledby="title-{{id}}">
          <h2 id="title-{{id}}">{{name}} <span class="status {{status}}">{{status}}</span></h2>
          <dl class="figures">
            {{#counts}}<div><dt>{{label}}</dt><dd data-figure="{{name}}" data-value="{{value}}">{{value}}</dd></div>{{/counts}}
          </dl>
          <div class="table">
          <table class="steps">
            <thead><tr><th scope="col">Step</th><th scope="col">Channel</th><th scope="col">After</th>
            {{#outcomeNames}}<th scope="col">{{.}}</th>{{/outcomeNames}}</tr></thead>
            <tbody>
            {{#steps}}
            <tr data-step="{{number}}"><th scope="row">{{number}}</th><td>{{channel}}</td><td>{{delay}}</td>
            {{#outcomes}}<td data-outcome="{{name}}" data-value="{{count}}">{{count}}</td>{{/outcomes}}</tr>
            {{/steps}}
            </tbody>
          </table>
          </div>
        </section>
        {{/sequences}}
        {{^sequences}}<p>No sequences yet: create one with <code>POST /api/v1/sequences</code>.</p>{{/sequences}}
        {{#morePages}}<p class="source">Only the newest {{shown}} sequences are shown.</p>{{/morePages}}
        """

    static let domains = """
        <h1>Sending domains</h1>
        <p class="source">Each domain's last DNS check, as <code>GET /api/v1/domains/{id}</code> gives it; verified domains are checked
        again on a schedule, and <code>POST /api/v1/domains/{id}/verify</code> checks one now.</p>
        {{#domains}}
        <section class="domain" data-domain="{{id}}" aria-labelledby="title-{{id}}">
          <h2 id="title-{{id}}">{{name}} <span class="status {{status}}" data-status="{{status}}">{{status}}</span></h2>
          <p>Checked {{checked}} · verified {{verified}}{{#failingSince}} · <strong class="bad">failing since {{.}}</strong>{{/failingSince}}</p>
          <div class="table">
          <table class="checks">
            <thead><tr><th scope="col">Record</th><th scope="col">Name</th><th scope="col">Result</th><th scope="col">Found</th><th scope="col">Why</th></tr></thead>
            <tbody>
            {{#checks}}
            <tr data-record="{{record}}" data-outcome="{{outcome}}"><th scope="row">{{record}}</th><td><code>{{name}}</code></td>
            <td><span class="check {{outcome}}">{{outcome}}</span></td><td>{{#found}}<code>{{.}}</code> {{/found}}</td><td>{{reason}}</td></tr>
            {{/checks}}
            {{^checks}}<tr><td colspan="5">Not checked yet.</td></tr>{{/checks}}
            </tbody>
          </table>
          </div>
        </section>
        {{/domains}}
        {{^domains}}<p>No sending domains yet: add one with <code>POST /api/v1/domains</code>.</p>{{/domains}}
        {{#morePages}}<p class="source">Only the newest {{shown}} domains are shown.</p>{{/morePages}}
        """
}
