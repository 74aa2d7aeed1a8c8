#!/usr/bin/env python3
"""The dashboard in a real browser: headless Chromium, driven by chromedriver through Selenium,
against `ezleeds serve` on a new database with a seeded account.

    python3 Tests/Browser/dashboard.py [path/to/ezleeds]   (default .build/debug/ezleeds)

Signs in through the form (no shortcut exists), then on every page checks what it shows against
the API: the overview's figures against `GET /api/v1/reports/dashboard` and its live figures
updating without a reload; buyers against `GET /api/v1/reports/buyers` with bid rates and no-bid
reasons; the leads' funnel by day, a search through the form and a lead's page with its verified
consent; sequences and domains. Then the CSP (no violation in the console), sign-out, and the same
pages with JavaScript off. Writes a screenshot of each page under .build/dashboard-screenshots/.
Needs Debian's `chromium` and `chromium-driver`, and `selenium<4.40`. Exit 1 on any failure.
"""
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCREENSHOTS = os.path.join(ROOT, ".build", "dashboard-screenshots")
FIGURES = ["leads_total", "leads_qualified", "leads_delivered", "sales", "returned", "acceptance_rate", "revenue_cents",
           "refunds_cents", "net_revenue_cents", "avg_lead_cost_cents"]
failures = []


def check(condition, what):
    print(("  ok    " if condition else "  FAIL  ") + what)
    if not condition:
        failures.append(what)


def call(base, method, path, key_header, key, body=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={key_header: key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(binary, folder):
    port = free_port()
    log = open(os.path.join(folder, "server.log"), "w+")
    server = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", os.path.join(folder, "ezleeds.sqlite"),
                               "--log-level", "warning"], stdout=subprocess.PIPE, stderr=log, text=True)
    keys = None
    deadline = time.time() + 60
    while time.time() < deadline and keys is None:
        line = server.stdout.readline()
        if line.startswith("{") and "admin_key" in line:
            keys = json.loads(line)
    if keys is None:
        server.kill()
        sys.exit("the server printed no first tenant's keys")
    base = f"http://127.0.0.1:{port}"
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return server, base, keys
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not answer /healthz")


def ping(base, keys):
    status, answer = call(base, "POST", "/api/v1/pingpost/ping", "X-Compliance-API-Key", keys["compliance_key"],
                          {"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "browser-test"})
    assert status == 200 and answer["bids"], (status, answer)
    return answer


def seed(base, keys):
    """Buyers (one paused, one for other ZIP codes), three sold leads (ping, then post to the
    bid), one of them in a sequence, and a sending domain. Returns the ids the checks need."""
    seeded = {"leads": []}
    for name, extra in [("Acme Legal", {}), ("Paused Partners", {"status": "paused"}), ("Beverly Hills Law", {"zip_codes": ["90210"]})]:
        status, buyer = call(base, "POST", "/api/v1/buyers", "X-API-Key", keys["api_key"], {
            "name": name, "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 32500, **extra})
        assert status == 201, (status, buyer)
        seeded[name] = buyer["id"]
    for index in range(3):
        answer = ping(base, keys)
        status, sale = call(base, "POST", "/api/v1/pingpost/post", "X-Compliance-API-Key", keys["compliance_key"], {
            "ping_id": answer["ping_id"], "buyer_id": answer["bids"][0]["buyer_id"],
            "lead": {"first_name": "Jane", "last_name": "Doe", "phone": f"+170255512{index:02d}", "email": f"jane{index}@example.com",
                     "state": "NV", "zip_code": "89101"},
            "consent": {"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted by phone and email.",
                        "ip_address": "203.0.113.42", "page_url": "https://example.com/intake"}})
        assert status == 200, (status, sale)
        seeded["leads"].append(sale["lead_id"])
    status, sequence = call(base, "POST", "/api/v1/sequences", "X-API-Key", keys["api_key"], {
        "name": "PI follow-up", "steps": [{"channel": "sms", "delay_minutes": 0, "template": "Hi {{first_name}}"},
                                          {"channel": "call", "delay_minutes": 60}]})
    assert status == 201, (status, sequence)
    seeded["sequence"] = sequence["id"]
    status, enrollment = call(base, "POST", f"/api/v1/sequences/{sequence['id']}/enroll", "X-API-Key", keys["api_key"],
                              {"lead_id": seeded["leads"][0]})
    assert status == 201, (status, enrollment)
    status, domain = call(base, "POST", "/api/v1/domains", "X-API-Key", keys["api_key"], {"domain": "mail.example.com"})
    assert status == 201, (status, domain)
    seeded["domain"] = domain["id"]
    return seeded


def value(driver, selector):
    elements = driver.find_elements(By.CSS_SELECTOR, selector)
    return elements[0].get_attribute("data-value") if elements else None


def wait_for(condition, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def screenshot(driver, javascript, name):
    """The whole page, not just the window (Chromium's DevTools capture beyond the viewport)."""
    if javascript:
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        with open(os.path.join(SCREENSHOTS, name + ".png"), "wb") as file:
            file.write(base64.b64decode(shot["data"]))


def live_figures(driver, base, keys, label, javascript):
    """The overview's live section: this node's hour, and with JavaScript a new ping shows without a reload."""
    check(wait_for(lambda: value(driver, '[data-live="pings_last_hour"]') not in (None, "0")) or not javascript,
          f"{label}: the live section counts this node's pings")
    if not javascript:
        check(int(value(driver, '[data-live="pings_last_hour"]') or 0) >= 3, f"{label}: the live figures are in the page itself")
        return
    before = int(value(driver, '[data-live="pings_last_hour"]'))
    stamp = driver.find_element(By.CSS_SELECTOR, "[data-live-updated]").get_attribute("data-live-updated")
    ping(base, keys)
    check(wait_for(lambda: int(value(driver, '[data-live="pings_last_hour"]') or 0) == before + 1),
          f"{label}: a new ping shows in the live figures without a reload ({before} → {before + 1})")
    check(driver.find_element(By.CSS_SELECTOR, "[data-live-updated]").get_attribute("data-live-updated") != stamp,
          f"{label}: the live section says when it was updated")
    check(value(driver, '[data-live="auction_p99_us"]') not in (None, ""), f"{label}: auction times are shown")


def buyer_pages(driver, base, keys, seeded, label, javascript):
    driver.get(base + "/dashboard/buyers")
    _, report = call(base, "GET", "/api/v1/reports/buyers", "X-API-Key", keys["api_key"])
    for line in report["buyers"]:
        row = f'tr[data-buyer="{line["id"]}"]'
        check(float(value(driver, row + ' [data-figure="leads_purchased"]')) == line["leads_purchased"]
              and float(value(driver, row + ' [data-figure="acceptance_rate"]')) == line["acceptance_rate"],
              f"{label}: {line['name']}'s sales and acceptance are the reports API's")
    acme = f'tr[data-buyer="{seeded["Acme Legal"]}"]'
    check(value(driver, acme + ' [data-figure="bid_rate"]') == "1", f"{label}: Acme Legal bid on every ping")
    check(int(value(driver, f'tr[data-buyer="{seeded["Paused Partners"]}"] [data-reason="paused"]') or 0) >= 3,
          f"{label}: why Paused Partners did not bid: paused")
    check(int(value(driver, f'tr[data-buyer="{seeded["Beverly Hills Law"]}"] [data-reason="filtered_zip"]') or 0) >= 3,
          f"{label}: why Beverly Hills Law did not bid: filtered_zip")
    screenshot(driver, javascript, "buyers")
    driver.find_element(By.CSS_SELECTOR, acme + " a").click()
    check(wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "tr[data-ping]")) >= 3),
          f"{label}: the buyer's page lists its last pings")
    check(len(driver.find_elements(By.CSS_SELECTOR, 'td[data-sold="true"]')) == 3, f"{label}: the three sold pings are marked sold")
    screenshot(driver, javascript, "buyer")


def lead_pages(driver, base, keys, seeded, label, javascript):
    driver.get(base + "/dashboard/leads")
    _, api = call(base, "GET", "/api/v1/reports/dashboard", "X-API-Key", keys["api_key"])
    days = driver.find_elements(By.CSS_SELECTOR, "tr[data-day]")
    check(sum(int(day.find_element(By.CSS_SELECTOR, '[data-figure="leads_total"]').get_attribute("data-value")) for day in days)
          == api["leads_total"], f"{label}: the funnel's days add up to the month's leads ({len(days)} day(s))")
    check(len(driver.find_elements(By.CSS_SELECTOR, "tr[data-lead]")) == 3, f"{label}: the three leads are listed")
    screenshot(driver, javascript, "leads")
    driver.find_element(By.CSS_SELECTOR, "form.filters input[name=source]").send_keys("browser-test")
    driver.find_element(By.CSS_SELECTOR, 'form.filters select[name=buyer_id] option[value="%s"]' % seeded["Acme Legal"]).click()
    driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    check(wait_for(lambda: "buyer_id=" in driver.current_url), f"{label}: the search form filters the list")
    check(driver.find_element(By.CSS_SELECTOR, "[data-total]").get_attribute("data-total") == "3", f"{label}: 3 leads bought by Acme Legal")
    driver.find_element(By.CSS_SELECTOR, f'tr[data-lead="{seeded["leads"][0]}"] a').click()
    check(wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "[data-certificate]")), f"{label}: a lead's page opens from the list")
    check(driver.find_element(By.CSS_SELECTOR, "[data-certificate]").get_attribute("data-valid") == "true",
          f"{label}: its consent certificate verifies")
    check(len(driver.find_elements(By.CSS_SELECTOR, '[data-event="sold"]')) == 1, f"{label}: its events include the sale")
    check(len(driver.find_elements(By.CSS_SELECTOR, "[data-enrollment]")) == 1, f"{label}: its outreach shows the enrollment")
    screenshot(driver, javascript, "lead")


def outreach_pages(driver, base, keys, seeded, label, javascript):
    driver.get(base + "/dashboard/sequences")
    step = f'[data-sequence="{seeded["sequence"]}"] tr[data-step="1"] td[data-outcome]'
    attempts = lambda: sum(int(cell.get_attribute("data-value")) for cell in driver.find_elements(By.CSS_SELECTOR, step))
    check(wait_for(lambda: attempts() >= 1 or driver.refresh()), f"{label}: the sequence's first step shows its attempt by outcome")
    check(value(driver, f'[data-sequence="{seeded["sequence"]}"] [data-figure="enrolled"]') == "1", f"{label}: one enrollment")
    screenshot(driver, javascript, "sequences")
    driver.get(base + "/dashboard/domains")
    check(len(driver.find_elements(By.CSS_SELECTOR, f'[data-domain="{seeded["domain"]}"]')) == 1, f"{label}: the sending domain is listed")
    screenshot(driver, javascript, "domains")


def browser(javascript):
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1000", "--disable-gpu"]:
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def visit(base, keys, seeded, javascript):
    label = "JavaScript on" if javascript else "JavaScript off"
    print(f"== {label}")
    driver = browser(javascript)
    try:
        driver.get(base + "/dashboard/")
        check(driver.current_url.endswith("/dashboard/sign-in"), f"{label}: an anonymous visit lands on the sign-in page")
        if javascript:
            driver.save_screenshot(os.path.join(SCREENSHOTS, "sign-in.png"))
        driver.find_element(By.NAME, "api_key").send_keys(keys["admin_key"])
        driver.find_element(By.CSS_SELECTOR, "form.sign-in button[type=submit]").click()
        WebDriverWait(driver, 10).until(expected_conditions.url_to_be(base + "/dashboard/"))
        check(True, f"{label}: signing in through the form opens the overview")

        _, api = call(base, "GET", "/api/v1/reports/dashboard", "X-API-Key", keys["api_key"])
        for name in FIGURES:
            element = driver.find_element(By.CSS_SELECTOR, f'[data-figure="{name}"]')
            check(float(element.get_attribute("data-value")) == float(api[name]) and element.text.strip() != "",
                  f"{label}: {name} shows {element.text!r}, the API's {api[name]}")
        bars = {bar.get_attribute("data-bar"): int(bar.get_attribute("data-value")) for bar in driver.find_elements(By.CSS_SELECTOR, "svg.chart g[data-bar]")}
        check(bars.get("Sold") == api["leads_delivered"] and bars.get("Leads") == api["leads_total"], f"{label}: the funnel chart {bars}")
        check(driver.find_element(By.CSS_SELECTOR, "[data-tenant]").text == "default", f"{label}: the header names the account")
        live_figures(driver, base, keys, label, javascript)
        screenshot(driver, javascript, "overview")
        buyer_pages(driver, base, keys, seeded, label, javascript)
        lead_pages(driver, base, keys, seeded, label, javascript)
        outreach_pages(driver, base, keys, seeded, label, javascript)
        driver.get(base + "/dashboard/leads/lead_does_not_exist")
        check("404" in driver.find_element(By.CSS_SELECTOR, "[data-status]").get_attribute("data-status"), f"{label}: an unknown lead is a 404 page")
        if javascript:
            blocked = [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]
            check(not blocked, f"{label}: nothing any page loads is blocked by its CSP {blocked[:2]}")

        driver.find_element(By.CSS_SELECTOR, "form.sign-out button").click()
        WebDriverWait(driver, 10).until(expected_conditions.url_to_be(base + "/dashboard/sign-in"))
        driver.get(base + "/dashboard/")
        check(driver.current_url.endswith("/dashboard/sign-in"), f"{label}: after sign-out the overview asks to sign in again")
    finally:
        driver.quit()


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "ezleeds")
    os.makedirs(SCREENSHOTS, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server, base, keys = start_server(binary, folder)
        try:
            seeded = seed(base, keys)
            visit(base, keys, seeded, javascript=True)
            visit(base, keys, seeded, javascript=False)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"screenshots in {SCREENSHOTS}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
