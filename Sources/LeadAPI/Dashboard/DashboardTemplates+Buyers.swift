extension DashboardTemplates {
    static let buyers = """
        <h1>Buyers <span class="period">{{period}}</span></h1>
        <nav class="periods">
          <a href="/dashboard/buyers?period={{previousPeriod}}" rel="prev">← {{previousPeriod}}</a>
          {{#nextPeriod}}<a href="/dashboard/buyers?period={{nextPeriod}}" rel="next">{{nextPeriod}} →</a>{{/nextPeriod}}
        </nav>
        <p class="source">Sales, average price, returns and acceptance are the period's, as
        <code>GET /api/v1/reports/buyers?period={{period}}</code> gives them. Bids, wins, no-bid reasons and deliveries are the
        last hour in the memory of node <code>{{node}}</code>.</p>
        <div class="table">
        <table class="buyers">
          <thead><tr>
            <th scope="col">Buyer</th><th scope="col">Status</th><th scope="col">Bid rate</th><th scope="col">Win rate</th>
            <th scope="col">Average bid</th><th scope="col">Why no bid (last hour)</th><th scope="col">Sales</th>
            <th scope="col">Average price</th><th scope="col">Returned</th><th scope="col">Acceptance</th>
            <th scope="col">Balance / credit used</th><th scope="col">Delivery failures</th>
          </tr></thead>
          <tbody>
          {{#lines}}
          <tr data-buyer="{{id}}">
            <td><a href="/dashboard/buyers/{{id}}?period={{period}}">{{name}}</a></td>
            <td><span class="status {{status}}">{{status}}</span></td>
            <td data-figure="bid_rate" data-value="{{bidRate}}">{{bidRateShown}} <small>{{bids}} of {{considered}}</small></td>
            <td data-figure="win_rate" data-value="{{winRate}}">{{winRateShown}} <small>{{wins}} won</small></td>
            <td data-figure="avg_bid_cents" data-value="{{averageBid}}">{{averageBidShown}}</td>
            <td class="reasons">{{#reasons}}<span data-reason="{{reason}}" data-value="{{count}}">{{reason}} {{count}}</span> {{/reasons}}{{^reasons}}–{{/reasons}}</td>
            <td data-figure="leads_purchased" data-value="{{sold}}">{{soldShown}}</td>
            <td data-figure="avg_lead_cost_cents" data-value="{{averagePrice}}">{{averagePriceShown}}</td>
            <td data-figure="returned" data-value="{{returned}}">{{returnedShown}}</td>
            <td data-figure="acceptance_rate" data-value="{{acceptance}}">{{acceptanceShown}}</td>
            <td data-figure="balance_cents" data-value="{{balance}}">{{balanceShown}}{{#creditShown}} <small>credit used {{creditShown}}</small>{{/creditShown}}</td>
            <td data-figure="failed_delivery_attempts" data-value="{{failedDeliveries}}">{{failedDeliveries}} <small>of {{deliveryAttempts}} tries</small></td>
          </tr>
          {{/lines}}
          {{^lines}}<tr><td colspan="12">No buyers yet: add one with <code>POST /api/v1/buyers</code>.</td></tr>{{/lines}}
          </tbody>
        </table>
        </div>
        """

    static let buyer = """
        <p class="crumbs"><a href="/dashboard/buyers?period={{period}}">Buyers</a> ›</p>
        <h1 data-buyer="{{id}}">{{name}} <span class="status {{status}}">{{status}}</span></h1>
        <p>{{kind}} · up to {{maxPrice}} a lead · {{exclusivity}} · daily cap {{dailyCap}} · {{billing}}</p>
        <section aria-labelledby="period-figures">
          <h2 id="period-figures">Sales in {{period}}</h2>
          <dl class="figures">
            {{#figures}}
            <div><dt>{{label}}</dt><dd data-figure="{{name}}" data-value="{{value}}">{{shown}}</dd></div>
            {{/figures}}
          </dl>
        </section>
        <section aria-labelledby="bidding">
          <h2 id="bidding">Bidding, last hour on node <code>{{node}}</code></h2>
          <dl class="figures">
            {{#activity}}
            <div><dt>{{label}}</dt><dd data-figure="{{name}}" data-value="{{value}}">{{shown}}</dd></div>
            {{/activity}}
          </dl>
          <h3>Why no bid</h3>
          {{#hasReasons}}{{{reasonsChart}}}{{/hasReasons}}
          {{^hasReasons}}<p>No ping went without a bid from this buyer in the last hour.</p>{{/hasReasons}}
        </section>
        <section aria-labelledby="pings">
          <h2 id="pings">Last pings on node <code>{{node}}</code></h2>
          <div class="table">
          <table class="pings">
            <thead><tr><th scope="col">Time</th><th scope="col">Ping</th><th scope="col">Lead</th><th scope="col">Outcome</th>
            <th scope="col">Answered in</th><th scope="col">Sold</th></tr></thead>
            <tbody>
            {{#sightings}}
            <tr data-ping="{{pingID}}" data-outcome="{{outcome}}">
              <td>{{time}}</td><td><code>{{pingID}}</code></td><td>{{campaignType}} · {{state}}</td>
              <td>{{outcomeShown}}{{#detail}} <small>{{detail}}</small>{{/detail}}</td><td>{{response}}</td>
              <td data-sold="{{sold}}">{{#sold}}sold{{/sold}}{{^sold}}–{{/sold}}</td>
            </tr>
            {{/sightings}}
            {{^sightings}}<tr><td colspan="6">This node has not seen the buyer in a ping since it started.</td></tr>{{/sightings}}
            </tbody>
          </table>
          </div>
        </section>
        """
}
