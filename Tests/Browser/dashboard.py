#!/usr/bin/env python3
"""The dashboard in a real browser: headless Chromium, driven by chromedriver through Selenium,
against `ezleeds serve` on a new database with a seeded account.

    python3 Tests/Browser/dashboard.py [path/to/ezleeds]   (default .build/debug/ezleeds)

Signs in through the form (no shortcut exists), checks every figure of the overview against
`GET /api/v1/reports/dashboard`, the CSP (no violation in the console), sign-out, and the same
pages with JavaScript off; writes a screenshot of each page under .build/dashboard-screenshots/.
Needs Debian's `chromium` and `chromium-driver`, and `selenium<4.40`. Exit 1 on any failure.
"""
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


def seed(base, keys):
    """A buyer and three sold leads: ping, then post to the bid."""
    status, buyer = call(base, "POST", "/api/v1/buyers", "X-API-Key", keys["api_key"], {
        "name": "Acme Legal", "campaign_types": ["legal_pi"], "states": ["NV"], "max_price_cents": 32500})
    assert status == 201, (status, buyer)
    for index in range(3):
        status, ping = call(base, "POST", "/api/v1/pingpost/ping", "X-Compliance-API-Key", keys["compliance_key"],
                            {"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "browser-test"})
        assert status == 200 and ping["bids"], (status, ping)
        status, sale = call(base, "POST", "/api/v1/pingpost/post", "X-Compliance-API-Key", keys["compliance_key"], {
            "ping_id": ping["ping_id"], "buyer_id": ping["bids"][0]["buyer_id"],
            "lead": {"first_name": "Jane", "last_name": "Doe", "phone": f"+170255512{index:02d}", "email": f"jane{index}@example.com",
                     "state": "NV", "zip_code": "89101"},
            "consent": {"consent_type": "tcpa_express_written", "consent_text": "I agree to be contacted by phone and email.",
                        "ip_address": "203.0.113.42", "page_url": "https://example.com/intake"}})
        assert status == 200, (status, sale)


def browser(javascript):
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--disable-gpu"]:
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def visit(base, keys, javascript):
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
        if javascript:
            driver.save_screenshot(os.path.join(SCREENSHOTS, "overview.png"))
            blocked = [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]
            check(not blocked, f"{label}: nothing the page loads is blocked by its CSP {blocked[:2]}")

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
            seed(base, keys)
            visit(base, keys, javascript=True)
            visit(base, keys, javascript=False)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"screenshots in {SCREENSHOTS}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
