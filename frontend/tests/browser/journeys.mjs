// The journeys: each gets a fresh browser context (phone-sized unless it says otherwise).
import { checkA11y } from "./a11y.mjs";
import { account, adminToken, availableVehicle, client, eventually, expectStatus, MOTORCYCLE_DAILY as TEMPLATES, osmandReport, pendingPlan, trackerOn, uniqueNationalId, uniquePhone } from "./setup.mjs";

const MOTORCYCLE_DAILY = TEMPLATES.UGX; // seeded template (UGX)

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * On a plan page waiting for its deposit: pays the suggested amount (the deposit) with the
 * provider named (its radio's label) from `number`; the simulator approves (the last digit
 * decides: 0, 6-9 succeed) and the page follows the request live until it succeeded, the plan is
 * active and the payment is listed with the provider's name.
 */
async function payDepositLive(page, provider, number) {
  await page.getByLabel(provider, { exact: true }).check();
  await page.getByLabel("Mobile money number").fill(number);
  await page.getByRole("button", { name: "Send payment request" }).click();
  await page.getByTestId("payment-status").waitFor();
  await page.locator('[data-testid="payment-status"][data-status="succeeded"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="plan-status"][data-status="active"]').waitFor({ timeout: 15_000 });
  await page.getByTestId("payments").filter({ hasText: provider }).waitFor();
}

async function login(page, FRONTEND, phone, password) {
  await page.goto(`${FRONTEND}/login`);
  await page.getByLabel("Phone number").fill(phone);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${FRONTEND}/`);
}

export const journeys = [
  {
    name: "customer: register, search with a typo, vehicle quote, KYC, apply, approved, plan, pay deposit live, my vehicle on the map; staff lock it from the fleet map",
    async run({ page, openPage, FRONTEND, GATEWAY, OSMAND, secrets, shot }) {
      const call = client(GATEWAY);
      const admin = await adminToken(call, secrets);
      const dealer = await account(call, admin, "dealer");
      const model = `Boxer BM${100 + Math.floor(Math.random() * 800)}`;
      const vehicleId = await availableVehicle(call, admin, dealer.token, { make: "Bajaj", model });

      // Register in the browser; a bad phone number is refused beside the field first.
      await page.goto(`${FRONTEND}/register`);
      await page.getByLabel("Full name").fill("Grace Nakato");
      await page.getByLabel("Phone number").fill("12");
      await page.getByLabel("Password").fill("Boda-rider-2026");
      await page.getByRole("button", { name: "Create account" }).click();
      await page.locator("#phone-error").waitFor();
      const phone = uniquePhone();
      await page.getByLabel("Phone number").fill(phone);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.waitForURL(`${FRONTEND}/`);
      await page.getByRole("link", { name: "My plan" }).waitFor();

      // Search with a typo: the API is typo tolerant; the URL carries the search.
      await page.getByRole("searchbox").fill(`bajaj ${model.replace("Boxer", "Boxr")}`);
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.waitForURL(/\?q=bajaj/);
      const card = page.locator(`li[data-vehicle-id="${vehicleId}"]`);
      await card.waitFor();
      assert((await card.textContent()).includes("UGX 5,200,000"), "the card shows the price in whole shillings");
      await shot("phone-1-search");
      await checkA11y(page, "marketplace");

      // Vehicle page: the calculator quotes from POST /api/v1/plans/quote.
      await card.getByRole("link").click();
      await page.waitForURL(`${FRONTEND}/vehicles/${vehicleId}`);
      const instalment = page.getByTestId("instalment");
      await instalment.waitFor();
      const quote = expectStatus(await call("POST", "/api/v1/plans/quote", { vehicle_id: vehicleId, template_id: MOTORCYCLE_DAILY }), 200, "quote");
      const shown = await page.getByTestId("total").textContent();
      assert(shown === `UGX ${quote.total_payable.amount.toLocaleString("en-GB")}`, `total payable shown ${shown}, API ${quote.total_payable.amount}`);
      await shot("phone-2-vehicle-quote");
      await checkA11y(page, "vehicle page");

      // KYC in the browser, verified by an admin through the API.
      await page.goto(`${FRONTEND}/account`);
      await page.getByLabel("National ID number").fill(uniqueNationalId());
      await page.getByLabel("Date of birth").fill("1991-03-02");
      await page.getByLabel("Home address").fill("Plot 12, Jinja Road, Kampala");
      await page.getByLabel("Next of kin: name").fill("Sarah Namukasa");
      await page.getByLabel("Next of kin: phone").fill("0701234567");
      await page.getByLabel("Next of kin: relationship").fill("sister");
      await page.getByRole("button", { name: "Send for verification" }).click();
      await page.getByTestId("kyc-status").filter({ hasText: "Waiting for review" }).waitFor();
      const me = await page.evaluate(() => JSON.parse(localStorage.getItem("rto.session")).user_id);
      expectStatus(await call("POST", `/api/v1/users/${me}/kyc/verify`, {}, admin), 200, "verify KYC");

      // Apply through the stepper.
      await page.goto(`${FRONTEND}/vehicles/${vehicleId}`);
      await page.getByTestId("instalment").waitFor();
      await page.getByRole("link", { name: "Apply for this plan" }).click();
      await page.getByLabel("Months in this work").fill("48");
      await page.getByLabel("Monthly income (UGX)").fill("1,800,000");
      await page.getByLabel("Monthly loan or rent payments (UGX)").fill("100000");
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByLabel("Months you have used mobile money").fill("30");
      await page.getByLabel("Money received per month (UGX)").fill("1700000");
      await page.getByLabel("Transactions per month").fill("90");
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByLabel("People who depend on you").fill("1");
      await page.getByLabel("Months at your current home").fill("60");
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByLabel("Guarantor's name").fill("Moses Okello");
      await page.getByLabel("Guarantor's phone").fill("0772123456");
      await page.getByLabel("Relationship").fill("brother");
      await page.getByLabel("Guarantor's national ID").fill(uniqueNationalId());
      await page.getByRole("button", { name: "Next" }).click();
      await page.getByLabel("Reference 1: name").fill("Ruth Achieng");
      await page.getByLabel("Reference 1: phone").fill("0752123456");
      await page.getByLabel("Reference 2: name").fill("Peter Mugisha");
      await page.getByLabel("Reference 2: phone").fill("0701987654");
      await page.getByRole("button", { name: "Check my chances" }).click();
      await page.getByTestId("prequal").waitFor();
      await page.getByRole("button", { name: "Submit application" }).click();
      await page.waitForURL(/\/applications\?id=/);
      const decision = page.getByTestId("decision");
      await decision.waitFor();
      assert((await decision.getAttribute("data-decision")) === "approved", `decision ${await decision.getAttribute("data-decision")}`);
      await shot("phone-3-decision");

      // Start the plan: the vehicle is reserved, the plan waits for its deposit.
      await page.getByRole("button", { name: "Start my plan" }).click();
      await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
      await page.locator('[data-testid="plan-status"][data-status="pending_deposit"]').waitFor();

      // Pay the deposit by MTN MoMo; the simulator approves; the page follows it live.
      await payDepositLive(page, "MTN MoMo", "0772123456");
      await shot("phone-4-plan-active");
      await checkA11y(page, "my plan");
      const planUrl = page.url();

      // The vehicle is no longer available: its page says so.
      await page.goto(`${FRONTEND}/vehicles/${vehicleId}`);
      await page.getByText("This vehicle is no longer available.").waitFor();

      // My vehicle: a tracker on it reports two positions (Traccar Client's OsmAnd protocol);
      // the map shows the marker, the route and the scale, whether or not the tiles load.
      const imei = await trackerOn(call, admin, vehicleId);
      const now = Date.now();
      await osmandReport(OSMAND, imei, { lat: 0.3476, lon: 32.5825, speedKnots: 10, at: new Date(now - 20_000) });
      await osmandReport(OSMAND, imei, { lat: 0.3489, lon: 32.5841, speedKnots: 0, at: new Date(now - 5_000) });
      const token = await page.evaluate(() => JSON.parse(localStorage.getItem("rto.session")).access_token);
      // The telematics service learns of the plan from payment.plan.activated.
      await eventually("the rider's vehicle position", async () => (await call("GET", `/api/v1/telematics/vehicles/${vehicleId}/position`, undefined, token)).status === 200);
      await page.getByRole("link", { name: "My vehicle" }).click();
      await page.locator('[data-testid="my-vehicle-map"][data-ready="true"]').waitFor();
      await page.locator(`path.marker-${vehicleId}`).waitFor();
      await page.locator(".leaflet-control-scale-line").waitFor();
      // The test environment's tile URL answers nothing: the map says so and shows the rest.
      await page.getByText("The map background could not load.", { exact: false }).waitFor();
      assert((await page.locator(".leaflet-overlay-pane path").count()) >= 3, "the route, its start and the marker are drawn");
      assert((await page.getByTestId("position").textContent()).includes("0.34890, 32.58410"), "the last position is shown in words");
      assert((await page.getByTestId("lock-state").textContent()) === "Unlocked", "unlocked");
      await shot("phone-8-my-vehicle");
      await checkA11y(page, "my vehicle");

      // A credit officer locks it from the fleet map, with a reason (refused without one).
      const officer = await account(call, admin, "credit_officer");
      const staff = await openPage({ width: 1280, height: 800 });
      await login(staff, FRONTEND, officer.phone, officer.password);
      await staff.goto(`${FRONTEND}/staff/fleet`);
      const row = staff.locator(`tr[data-vehicle-id="${vehicleId}"]`);
      await row.waitFor();
      assert((await row.getAttribute("data-status")) === "online", `fleet status ${await row.getAttribute("data-status")}`);
      await staff.locator('[data-testid="fleet-live"][data-connected="true"]').waitFor();
      await row.getByRole("button").click();
      const detail = staff.locator(`[data-testid="fleet-detail"][data-vehicle-id="${vehicleId}"]`);
      await detail.getByRole("button", { name: "Show route" }).click();
      await detail.getByTestId("track-points").filter({ hasText: "2 positions" }).waitFor();
      await detail.getByRole("button", { name: "Lock", exact: true }).click();
      await detail.getByRole("alert").waitFor();
      await detail.getByLabel("Reason (required)").fill("Arrears: 3 instalments, customer not answering");
      await detail.getByRole("button", { name: "Lock", exact: true }).click();
      await detail.getByText("Lock requested.", { exact: false }).waitFor();
      await staff.locator(`tr[data-vehicle-id="${vehicleId}"][data-status="lock_pending"]`).waitFor();
      await shot("desktop-3-fleet-map", staff);
      await checkA11y(staff, "fleet map");
      // The rider sees the lock coming, live.
      await page.locator('[data-testid="my-vehicle"][data-lock-state="pending"], [data-testid="my-vehicle"][data-lock-state="locking"]').waitFor();
      await page.getByTestId("warnings").getByRole("link", { name: "Pay now" }).first().waitFor();
      assert(planUrl.includes("/plans/"), "plan page");
    },
  },
  {
    name: "deposit by each provider: Airtel Money on a UGX plan, M-Pesa on a KES plan, through the simulator, followed live until the plan is active",
    async run({ page, openPage, FRONTEND, GATEWAY, secrets, shot }) {
      const call = client(GATEWAY);
      const admin = await adminToken(call, secrets);
      const dealer = await account(call, admin, "dealer");
      // Each provider collects in its own country's currency (Airtel Money: Uganda, UGX; M-Pesa:
      // Kenya, KES in whole shillings), from a number of that country. MTN MoMo is paid in the
      // customer journey above. Applying and starting the plan are done through the API here.
      // The plan page's axe check runs once, on the KES plan (the customer journey checks it in UGX).
      const cases = [
        { provider: "Airtel Money", code: "airtel_money", currency: "UGX", number: "0752123450", screenshot: "phone-10-plan-airtel-money" },
        { provider: "M-Pesa", code: "mpesa", currency: "KES", number: "0712345670", screenshot: "phone-11-plan-mpesa", a11y: true },
      ];
      const plans = await Promise.all(cases.map((c) => pendingPlan(call, admin, dealer.token, { currency: c.currency })));
      for (const [i, c] of cases.entries()) {
        const plan = plans[i];
        // Each rider in their own browser.
        const rider = i === 0 ? page : await openPage();
        await login(rider, FRONTEND, plan.customer.phone, plan.customer.password);
        await rider.goto(`${FRONTEND}/plans/${plan.planId}`);
        await rider.locator('[data-testid="plan-status"][data-status="pending_deposit"]').waitFor();
        assert((await rider.getByLabel(`Amount (${c.currency})`).count()) === 1, `the payment form asks for ${c.currency}`);
        await payDepositLive(rider, c.provider, c.number);
        await shot(c.screenshot, rider);
        if (c.a11y) await checkA11y(rider, `plan paid by ${c.provider}`);
        // The API agrees: the plan is active and holds the whole deposit, paid by that provider.
        const after = expectStatus(await call("GET", `/api/v1/plans/${plan.planId}`, undefined, plan.customer.token), 200, "plan");
        assert(after.status === "active", `plan ${after.status}`);
        const paid = after.payments.filter((x) => x.provider === c.code);
        assert(paid.length === 1, `payments by ${c.code}: ${JSON.stringify(after.payments)}`);
        assert(paid[0].amount.amount === plan.deposit && paid[0].amount.currency === c.currency, `paid ${JSON.stringify(paid[0].amount)}, deposit ${c.currency} ${plan.deposit}`);
      }
    },
  },
  {
    name: "language: switch to Swahili, remembered after a reload",
    async run({ page, FRONTEND, shot }) {
      await page.goto(`${FRONTEND}/`);
      await page.getByRole("heading", { name: "Find your vehicle" }).waitFor();
      await page.waitForLoadState("load");
      // First-load figures of the marketplace (Chromium's performance entries, compressed sizes).
      const perf = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const js = performance.getEntriesByType("resource").filter((r) => r.name.endsWith(".js") || r.initiatorType === "script");
        return {
          js_bytes: js.reduce((n, r) => n + (r.transferSize || r.encodedBodySize || 0), 0), js_files: js.length,
          ttfb_ms: Math.round(nav.responseStart), dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd), load_ms: Math.round(nav.loadEventEnd),
        };
      });
      console.log(`      marketplace first load: ${JSON.stringify(perf)}`);
      assert(perf.js_bytes < 200 * 1024, `marketplace JavaScript ${perf.js_bytes} bytes is over 200 KB`);
      await page.getByLabel("Language").selectOption("sw");
      await page.getByRole("heading", { name: "Tafuta chombo chako" }).waitFor();
      await page.reload();
      await page.getByRole("heading", { name: "Tafuta chombo chako" }).waitFor();
      assert((await page.getAttribute("html", "lang")) === "sw", "html lang is sw");
      await shot("phone-5-swahili");
    },
  },
  {
    name: "credit officer: logs in, sees a referred application in the review queue, approves it",
    viewport: { width: 1280, height: 800 },
    async run({ page, FRONTEND, GATEWAY, secrets, shot }) {
      const call = client(GATEWAY);
      const admin = await adminToken(call, secrets);
      const dealer = await account(call, admin, "dealer");
      const vehicleId = await availableVehicle(call, admin, dealer.token, { make: "TVS", model: `HLX ${Math.floor(Math.random() * 900) + 100}` });
      const officer = await account(call, admin, "credit_officer");
      // A customer whose profile the scorecard refers to an officer (found with prequalify,
      // which records nothing).
      const customer = await account(call, admin);
      expectStatus(await call("PUT", "/api/v1/users/me/kyc", {
        national_id: uniqueNationalId(), date_of_birth: "1990-05-05", address: "Plot 3, Gulu Road, Lira",
        next_of_kin: { name: "Janet Akello", phone: "0701234567", relationship: "sister" },
      }, customer.token), 200, "KYC");
      expectStatus(await call("POST", `/api/v1/users/${customer.id}/kyc/verify`, {}, admin), 200, "verify KYC");
      const profile = (months, tx, history, residence, income) => ({
        vehicle_id: vehicleId, template_id: MOTORCYCLE_DAILY, employment_type: "boda_rider", months_in_work: months,
        monthly_income: { amount: income, currency: "UGX" }, monthly_obligations: { amount: 100_000, currency: "UGX" },
        mobile_money: { months_of_history: history, avg_monthly_inflow: Math.floor(income * 0.9), avg_monthly_transactions: tx },
        dependants: 2, months_at_residence: residence,
        guarantor: { name: "Moses Okello", phone: "0772123456", relationship: "brother", national_id: uniqueNationalId() },
        references: [{ name: "Ruth Achieng", phone: "0752123456" }, { name: "Peter Mugisha", phone: "0701987654" }],
      });
      let referred = null;
      search: for (const income of [1_800_000, 2_400_000, 1_500_000, 3_000_000]) {
        for (const [m, tx, h, r] of [[8, 20, 6, 4], [12, 30, 8, 6], [6, 15, 4, 3], [18, 40, 12, 12], [4, 10, 3, 2]]) {
          const p = profile(m, tx, h, r, income);
          const pq = expectStatus(await call("POST", "/api/v1/credit/prequalify", p, customer.token), 200, "prequalify");
          if (pq.decision === "referred") {
            referred = p;
            break search;
          }
        }
      }
      assert(referred, "no referred profile found with prequalify");
      const app = expectStatus(await call("POST", "/api/v1/credit/applications", referred, customer.token), 201, "apply");
      assert(app.status === "referred", `application ${app.status}`);

      await login(page, FRONTEND, officer.phone, officer.password);
      await page.getByRole("link", { name: "Staff" }).click();
      await page.getByRole("link", { name: "Credit review queue" }).click();
      const item = page.locator(`li[data-application-id="${app.id}"]`);
      await item.waitFor();
      assert((await item.textContent()).includes("Score"), "the score is shown");
      await shot("desktop-1-credit-queue");
      // A decision needs a note: the API's answer is shown beside the note.
      await item.getByRole("button", { name: "Approve" }).click();
      await item.getByRole("alert").waitFor();
      await item.getByLabel("Note (required)").fill("Known rider, guarantor called.");
      await item.getByRole("button", { name: "Approve" }).click();
      await page.getByText("Decision recorded.").waitFor();
      await item.waitFor({ state: "detached" });
      const after = expectStatus(await call("GET", `/api/v1/credit/applications/${app.id}`, undefined, customer.token), 200, "application");
      assert(after.status === "approved", `after the officer: ${after.status}`);

      await page.getByRole("link", { name: "Staff" }).click();
      await page.getByRole("link", { name: "Payment review queue" }).click();
      await page.getByRole("heading", { name: /Held payments/ }).waitFor();
      await page.getByRole("heading", { name: /Callbacks/ }).waitFor();
      await shot("desktop-2-payment-queue");
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${FRONTEND}/staff/plans`);
      await page.getByRole("heading", { name: "Plans portfolio" }).waitFor();
      await shot("phone-6-staff-plans");
    },
  },
  {
    name: "dealer: logs in and sees their listing; a customer cannot open the staff console",
    async run({ page, FRONTEND, GATEWAY, secrets, shot }) {
      const call = client(GATEWAY);
      const admin = await adminToken(call, secrets);
      const dealer = await account(call, admin, "dealer");
      const vehicleId = await availableVehicle(call, admin, dealer.token, { make: "Honda", model: `Ace ${Math.floor(Math.random() * 900) + 100}` });
      await login(page, FRONTEND, dealer.phone, dealer.password);
      await page.getByRole("link", { name: "My listings" }).click();
      const row = page.locator(`tr[data-vehicle-id="${vehicleId}"]`);
      await row.waitFor();
      assert((await row.textContent()).includes("Available"), "the listing is available");
      await shot("phone-7-dealer");
      await page.goto(`${FRONTEND}/staff/credit`);
      await page.getByText("Your account cannot open this page.").waitFor();
    },
  },
  {
    name: "support: a customer opens a ticket, an agent answers from the queue, the customer sees the answer live; the inbox badge; the SMS outbox",
    async run({ page, openPage, FRONTEND, GATEWAY, secrets, shot }) {
      const call = client(GATEWAY);
      const admin = await adminToken(call, secrets);
      const customer = await account(call, admin);
      const agent = await account(call, admin, "support_agent");

      await login(page, FRONTEND, customer.phone, customer.password);
      // The welcome notification is counted in the header.
      await page.locator('[data-testid="unread-badge"]:not([data-count="0"])').waitFor();
      await page.getByRole("link", { name: "Help" }).click();
      await page.getByTestId("no-tickets").waitFor();
      await checkA11y(page, "my tickets");

      // A new ticket: the API's field errors are shown beside the fields first.
      await page.getByRole("link", { name: "New ticket" }).click();
      await page.getByRole("button", { name: "Send ticket" }).click();
      await page.locator("#category-error").waitFor();
      await page.locator("#subject-error").waitFor();
      await page.getByLabel("What is it about?").selectOption("breakdown");
      await page.getByLabel("Subject").fill("Engine will not start");
      await page.getByLabel("Describe the problem").fill("Since this morning the engine turns but does not start. I am at Kawempe stage.");
      await page.getByRole("button", { name: "Send ticket" }).click();
      await page.waitForURL(/\/support\/[0-9a-f-]{36}$/);
      const ticketId = page.url().split("/").pop();
      await page.getByTestId("messages").getByText("I am at Kawempe stage.", { exact: false }).waitFor();
      await checkA11y(page, "ticket conversation");

      // The agent finds it in the queue with its SLA badge and answers.
      const staff = await openPage({ width: 1280, height: 800 });
      await login(staff, FRONTEND, agent.phone, agent.password);
      await staff.getByRole("link", { name: "Staff" }).click();
      await staff.getByRole("link", { name: "Support tickets" }).click();
      const row = staff.locator(`tr[data-ticket-id="${ticketId}"]`);
      await row.waitFor();
      assert((await row.getByTestId("sla-badge").getAttribute("data-sla")) === "on_track", "a new ticket is on time");
      await shot("desktop-4-ticket-queue", staff);
      await checkA11y(staff, "staff ticket queue");
      await row.getByRole("link", { name: "Engine will not start" }).click();
      await staff.getByRole("button", { name: "Assign to me" }).click();
      await staff.getByText("Assigned to: You", { exact: false }).waitFor();
      await staff.getByLabel("Reply").fill("A mechanic is on his way to Kawempe stage. Please wait there.");
      await staff.getByRole("button", { name: "Send", exact: true }).click();
      await staff.getByTestId("messages").getByText("A mechanic is on his way", { exact: false }).waitFor();

      // The customer's open conversation shows the answer without a reload.
      await page.getByTestId("messages").locator('[data-author="staff"]').getByText("A mechanic is on his way", { exact: false }).waitFor();
      await shot("phone-9-ticket-answered");

      // The inbox: mark everything read, the header badge follows.
      await page.getByTestId("unread-badge").click();
      await page.getByRole("heading", { name: "Notifications" }).waitFor();
      await checkA11y(page, "notifications");
      await page.getByRole("button", { name: "Mark all read" }).click();
      await page.locator('[data-testid="unread-badge"][data-count="0"]').waitFor();

      // The agent's SMS outbox (development: SMS_PROVIDER=outbox keeps them) lists the welcome SMS.
      await staff.goto(`${FRONTEND}/staff/sms`);
      await staff.getByTestId("sms-outbox").getByText("Welcome", { exact: false }).first().waitFor();
    },
  },
];
