extension DashboardTemplates {
    static let leads = """
        <h1>Leads <span class="period">{{period}}</span></h1>
        <nav class="periods">
          <a href="/dashboard/leads?period={{previousPeriod}}" rel="prev">← {{previousPeriod}}</a>
          {{#nextPeriod}}<a href="/dashboard/leads?period={{nextPeriod}}" rel="next">{{nextPeriod}} →</a>{{/nextPeriod}}
        </nav>
        <section aria-labelledby="by-day">
          <h2 id="by-day">Funnel by day (UTC)</h2>
          <p class="source">Leads created each day, of those qualified; leads sold and sales accepted or returned by the day of the
          sale. The month's sums are the figures of <code>GET /api/v1/reports/dashboard?period={{period}}</code>.</p>
          {{{funnelChart}}}
          <div class="table">
          <table class="funnel">
            <thead><tr><th scope="col">Day</th><th scope="col">Leads</th><th scope="col">Qualified</th><th scope="col">Sold</th>
            <th scope="col">Sales</th><th scope="col">Accepted</th><th scope="col">Returned</th></tr></thead>
            <tbody>
            {{#days}}
            <tr data-day="{{day}}"><th scope="row">{{day}}</th><td data-figure="leads_total" data-value="{{created}}">{{created}}</td>
            <td data-figure="leads_qualified" data-value="{{qualified}}">{{qualified}}</td>
            <td data-figure="leads_delivered" data-value="{{sold}}">{{sold}}</td><td data-figure="sales" data-value="{{sales}}">{{sales}}</td>
            <td data-figure="accepted" data-value="{{accepted}}">{{accepted}}</td><td data-figure="returned" data-value="{{returned}}">{{returned}}</td></tr>
            {{/days}}
            {{^days}}<tr><td colspan="7">No leads or sales in {{period}}.</td></tr>{{/days}}
            </tbody>
          </table>
          </div>
        </section>
        <section aria-labelledby="search">
          <h2 id="search">Find leads</h2>
          <form method="get" action="/dashboard/leads" class="filters" role="search">
            <input type="hidden" name="period" value="{{period}}">
            <label>Lead id <input name="id" value="{{filter.id}}" placeholder="a lead id" size="28"></label>
            <label>Status <select name="status"><option value="">any</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/statuses}}</select></label>
            <label>Campaign type <select name="campaign_type"><option value="">any</option>{{#campaignTypes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/campaignTypes}}</select></label>
            <label>State <input name="state" value="{{filter.state}}" size="3" maxlength="2" placeholder="TX"></label>
            <label>Source <input name="source" value="{{filter.source}}" size="16"></label>
            <label>Buyer <select name="buyer_id"><option value="">any</option>{{#buyers}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/buyers}}</select></label>
            <button type="submit">Search</button>
          </form>
          <p class="source" data-total="{{total}}">{{totalShown}} leads created in {{period}} match, newest first; page {{page}}.</p>
          <div class="table">
          <table class="leads">
            <thead><tr><th scope="col">Created</th><th scope="col">Lead</th><th scope="col">Status</th><th scope="col">Type</th>
            <th scope="col">State</th><th scope="col">Source</th><th scope="col">Buyer</th><th scope="col">Price</th></tr></thead>
            <tbody>
            {{#items}}
            <tr data-lead="{{id}}"><td>{{created}}</td><td><a href="/dashboard/leads/{{id}}"><code>{{id}}</code></a></td>
            <td><span class="status {{status}}">{{status}}</span></td><td>{{campaignType}}</td><td>{{state}}</td><td>{{source}}</td>
            <td>{{buyer}}</td><td>{{price}}</td></tr>
            {{/items}}
            {{^items}}<tr><td colspan="8">No lead matches.</td></tr>{{/items}}
            </tbody>
          </table>
          </div>
          <nav class="pages">
            {{#previousPage}}<a href="{{.}}" rel="prev">← newer</a>{{/previousPage}}
            {{#nextPage}}<a href="{{.}}" rel="next">older →</a>{{/nextPage}}
          </nav>
        </section>
        """

    static let lead = """
        <p class="crumbs"><a href="/dashboard/leads">Leads</a> ›</p>
        <h1 data-lead="{{id}}"><code>{{id}}</code> <span class="status {{status}}" data-status="{{status}}">{{status}}</span></h1>
        <section aria-labelledby="summary">
          <h2 id="summary">The lead</h2>
          <dl class="facts">
            {{#facts}}<div><dt>{{label}}</dt><dd data-fact="{{name}}">{{value}}</dd></div>{{/facts}}
          </dl>
        </section>
        <section aria-labelledby="consent">
          <h2 id="consent">Consent certificates</h2>
          {{#certificates}}
          <div class="certificate" data-certificate="{{id}}" data-valid="{{valid}}">
            <p><code>{{id}}</code> · {{#valid}}<strong class="ok">signature verifies</strong>{{/valid}}{{^valid}}<strong class="bad">signature does not verify</strong>{{/valid}}
            {{#revoked}} · <strong class="bad">revoked {{revoked}}</strong>{{/revoked}}</p>
            <dl class="facts">
              {{#facts}}<div><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
            </dl>
            <p class="source">The same check as <code>POST /api/v1/compliance/verify-consent</code> with this <code>certificate_id</code>; the public key is at <code>GET /api/v1/compliance/public-key</code>.</p>
          </div>
          {{/certificates}}
          {{^certificates}}<p>No consent certificate is recorded for this lead.</p>{{/certificates}}
        </section>
        <section aria-labelledby="deliveries">
          <h2 id="deliveries">Deliveries</h2>
          {{#deliveries}}
          <div class="delivery" data-delivery="{{id}}" data-status="{{status}}">
            <p><code>{{id}}</code> to {{buyer}} · <span class="status {{status}}">{{status}}</span> · {{attempts}} attempts{{#url}} · <code>{{.}}</code>{{/url}}</p>
            <div class="table">
            <table class="attempts">
              <thead><tr><th scope="col">Time</th><th scope="col">Answer</th><th scope="col">Took</th><th scope="col">Error</th></tr></thead>
              <tbody>
              {{#tries}}<tr data-attempt-status="{{statusCode}}"><td>{{time}}</td><td>{{statusCode}}</td><td>{{duration}} ms</td><td>{{error}}</td></tr>{{/tries}}
              {{^tries}}<tr><td colspan="4">Not tried yet.</td></tr>{{/tries}}
              </tbody>
            </table>
            </div>
          </div>
          {{/deliveries}}
          {{^deliveries}}<p>The lead has not been delivered to a buyer.</p>{{/deliveries}}
        </section>
        <section aria-labelledby="outreach">
          <h2 id="outreach">Outreach</h2>
          {{#enrollments}}
          <p data-enrollment="{{id}}">Sequence <a href="/dashboard/sequences#{{sequenceID}}"><code>{{sequenceID}}</code></a> ·
          <span class="status {{status}}">{{status}}</span> · next step {{nextStep}}{{#endReason}} · {{.}}{{/endReason}}</p>
          {{/enrollments}}
          {{^enrollments}}<p>The lead is in no sequence.</p>{{/enrollments}}
          {{#hasAttempts}}
          <div class="table">
          <table class="outreach">
            <thead><tr><th scope="col">Time</th><th scope="col">Step</th><th scope="col">Channel</th><th scope="col">Outcome</th><th scope="col">Reason</th></tr></thead>
            <tbody>
            {{#attempts}}<tr data-outcome="{{outcome}}"><td>{{time}}</td><td>{{step}}</td><td>{{channel}}</td><td>{{outcome}}</td><td>{{reason}}</td></tr>{{/attempts}}
            </tbody>
          </table>
          </div>
          {{/hasAttempts}}
        </section>
        <section aria-labelledby="events">
          <h2 id="events">Events</h2>
          <ol class="events">
            {{#events}}<li data-event="{{kind}}"><time>{{time}}</time> <strong>{{kind}}</strong> {{detail}}</li>{{/events}}
          </ol>
        </section>
        """
}
