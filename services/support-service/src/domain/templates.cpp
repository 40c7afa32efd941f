#include "domain/templates.hpp"

#include <rto/money.hpp>

namespace support_service {
namespace js = boost::json;

bool is_language(std::string_view l) noexcept {
  for (auto k : kLanguages)
    if (k == l) return true;
  return false;
}

const std::vector<Template>& builtin_templates() {
  static const std::vector<Template> t = {
      {"welcome", "en", "Welcome", "Welcome to {{brand}}, {{name}}. Choose a vehicle and apply for a plan in the app."},
      {"welcome", "sw", "Karibu", "Karibu {{brand}}, {{name}}. Chagua gari na uombe mpango wa malipo kwenye programu."},
      {"credit_approved", "en", "Credit approved",
       "{{name}}, your credit application is approved. Open the app to choose your plan."},
      {"credit_approved", "sw", "Mkopo umekubaliwa",
       "{{name}}, ombi lako la mkopo limekubaliwa. Fungua programu kuchagua mpango wako."},
      {"credit_declined", "en", "Credit application declined",
       "{{name}}, we could not approve your credit application: {{reason}} You may apply again later."},
      {"credit_declined", "sw", "Ombi la mkopo halikukubaliwa",
       "{{name}}, hatukuweza kukubali ombi lako la mkopo: {{reason}} Unaweza kuomba tena baadaye."},
      {"credit_referred", "en", "Credit application in review",
       "{{name}}, our team is reviewing your credit application: {{reason}} We will tell you the result."},
      {"credit_referred", "sw", "Ombi la mkopo linakaguliwa",
       "{{name}}, timu yetu inakagua ombi lako la mkopo: {{reason}} Tutakujulisha matokeo."},
      {"plan_created", "en", "Plan created",
       "Plan {{reference}} is ready. Pay the deposit of {{amount}} to start. {{pay_instructions}}"},
      {"plan_created", "sw", "Mpango umeundwa",
       "Mpango {{reference}} uko tayari. Lipa amana ya {{amount}} kuanza. {{pay_instructions}}"},
      {"plan_activated", "en", "Plan active", "Plan {{reference}} is active. First instalment due {{due_date}}. Ride safe!"},
      {"plan_activated", "sw", "Mpango umeanza",
       "Mpango {{reference}} umeanza. Malipo ya kwanza tarehe {{due_date}}. Safari njema!"},
      {"plan_completed", "en", "Paid off", "Congratulations {{name}}! Plan {{reference}} is paid off: the vehicle is yours."},
      {"plan_completed", "sw", "Umemaliza kulipa",
       "Hongera {{name}}! Mpango {{reference}} umelipwa wote: gari ni lako."},
      {"receipt", "en", "Payment received", "Received {{amount}} for plan {{reference}}. Balance {{balance}}. Thank you!"},
      {"receipt", "sw", "Malipo yamepokelewa",
       "Tumepokea {{amount}} kwa mpango {{reference}}. Salio {{balance}}. Asante!"},
      {"payment_failed", "en", "Payment not completed",
       "Your payment of {{amount}} for plan {{reference}} did not go through. Please try again."},
      {"payment_failed", "sw", "Malipo hayakukamilika",
       "Malipo yako ya {{amount}} kwa mpango {{reference}} hayakukamilika. Tafadhali jaribu tena."},
      {"reminder_due_tomorrow", "en", "Instalment due tomorrow",
       "Reminder: {{amount}} for plan {{reference}} is due tomorrow, {{due_date}}. {{pay_instructions}}"},
      {"reminder_due_tomorrow", "sw", "Malipo ya kesho",
       "Kumbusho: {{amount}} kwa mpango {{reference}} inadaiwa kesho, {{due_date}}. {{pay_instructions}}"},
      {"reminder_due_today", "en", "Instalment due today",
       "{{amount}} for plan {{reference}} is due today. {{pay_instructions}}"},
      {"reminder_due_today", "sw", "Malipo ya leo",
       "{{amount}} kwa mpango {{reference}} inadaiwa leo. {{pay_instructions}}"},
      {"reminder_overdue", "en", "Instalment overdue",
       "Plan {{reference}} is {{days}} day(s) overdue. Please pay {{amount}} now. {{pay_instructions}}"},
      {"reminder_overdue", "sw", "Malipo yamechelewa",
       "Mpango {{reference}} umechelewa siku {{days}}. Tafadhali lipa {{amount}} sasa. {{pay_instructions}}"},
      {"delinquency", "en", "Payment late",
       "Plan {{reference}} is {{days}} days late. Pay now to keep your vehicle running."},
      {"delinquency", "sw", "Malipo yamechelewa",
       "Mpango {{reference}} umechelewa siku {{days}}. Lipa sasa ili gari lako liendelee kufanya kazi."},
      {"lock_warning", "en", "Vehicle lock warning",
       "Warning: the vehicle on plan {{reference}} will be locked when it stops. Pay {{amount}} now to stop this."},
      {"lock_warning", "sw", "Onyo la kufungwa gari",
       "Onyo: gari la mpango {{reference}} litafungwa likisimama. Lipa {{amount}} sasa kuzuia hili."},
      {"lock_pending", "en", "Vehicle lock warning",
       "Warning: the vehicle on plan {{reference}} will be locked when it next stops. Pay what is overdue now."},
      {"lock_pending", "sw", "Onyo la kufungwa gari",
       "Onyo: gari la mpango {{reference}} litafungwa likisimama. Lipa deni lako sasa."},
      {"ticket_answered", "en", "Support replied",
       "Support has replied to your ticket {{ticket}}. Open the app to read the answer."},
      {"ticket_answered", "sw", "Jibu kutoka huduma kwa wateja",
       "Huduma kwa wateja wamejibu tiketi yako {{ticket}}. Fungua programu kusoma jibu."},
      {"lock_released", "en", "Vehicle unlocked", "Thank you. The vehicle on plan {{reference}} is unlocked."},
      {"lock_released", "sw", "Gari limefunguliwa", "Asante. Gari la mpango {{reference}} limefunguliwa."},
      {"plan_defaulted", "en", "Plan in default",
       "Plan {{reference}} is in default. Please call us today to agree how to pay."},
      {"plan_defaulted", "sw", "Mpango umeshindwa",
       "Mpango {{reference}} umeshindwa kulipwa. Tafadhali tupigie leo tukubaliane jinsi ya kulipa."},
  };
  return t;
}

const Template* find_template(std::string_view kind, std::string_view language) {
  for (const auto& t : builtin_templates())
    if (t.kind == kind && t.language == language) return &t;
  return nullptr;
}

namespace {
// The placeholder names in `text`, or nullopt with `error` set.
std::optional<std::vector<std::string>> placeholders(std::string_view text, std::string* error) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while ((i = text.find("{{", i)) != std::string_view::npos) {
    auto close = text.find("}}", i + 2);
    if (close == std::string_view::npos) {
      *error = "a placeholder is not closed";
      return std::nullopt;
    }
    out.emplace_back(text.substr(i + 2, close - i - 2));
    i = close + 2;
  }
  return out;
}
}  // namespace

std::vector<std::string> template_variables(std::string_view kind) {
  std::vector<std::string> vars;
  auto add = [&](const std::string& v) {
    for (const auto& x : vars)
      if (x == v) return;
    vars.push_back(v);
  };
  bool known = false;
  for (const auto& t : builtin_templates()) {
    if (t.kind != kind) continue;
    known = true;
    std::string ignored;
    if (auto names = placeholders(t.text, &ignored))
      for (const auto& n : *names) add(n);
  }
  if (!known) return {};
  for (const char* always : {"name", "brand", "pay_instructions"}) add(always);
  return vars;
}

std::optional<std::string> template_problem(std::string_view kind, std::string_view text) {
  std::string error;
  auto names = placeholders(text, &error);
  if (!names) return error;
  const auto allowed = template_variables(kind);
  for (const auto& n : *names) {
    if (n.empty()) return std::string("a placeholder is empty");
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == n;
    if (!ok) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return "unknown variable '" + n + "' (this kind has: " + list + ")";
    }
  }
  return std::nullopt;
}

std::optional<std::string> render_text(std::string_view text, const Vars& vars, std::string* error) {
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t i = 0;
  while (i < text.size()) {
    auto open = text.find("{{", i);
    if (open == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, open - i));
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      if (error) *error = "a placeholder is not closed";
      return std::nullopt;
    }
    auto name = text.substr(open + 2, close - open - 2);
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) {
      if (error) *error = "variable '" + std::string(name) + "' has no value";
      return std::nullopt;
    }
    out += it->second;
    i = close + 2;
  }
  return out;
}

namespace {
const Template* lookup(std::string_view kind, std::string_view language, const std::vector<Template>& overrides) {
  for (const auto& t : overrides)
    if (t.kind == kind && t.language == language) return &t;
  return find_template(kind, language);
}
}  // namespace

Rendered render(std::string_view kind, std::string_view language, const Vars& vars,
                const std::vector<Template>& overrides) {
  Rendered r;
  std::string why;
  if (const auto* t = lookup(kind, language, overrides)) {
    if (auto body = render_text(t->text, vars, &why)) {
      r.language = std::string(language);
      r.title = t->title;
      r.body = std::move(*body);
      return r;
    }
  } else {
    why = "no template for this language";
  }
  r.fell_back = true;
  r.error = why;
  r.language = "en";
  if (const auto* en = find_template(kind, "en")) {
    r.title = en->title;
    if (auto body = render_text(en->text, vars, nullptr)) {
      r.body = std::move(*body);
      return r;
    }
    r.body = en->title + ".";
    return r;
  }
  r.title = std::string(kind);
  r.body = std::string(kind);
  return r;
}

// ---- events → notices ------------------------------------------------------------------------

std::string money_text(const js::value* v) {
  if (!v || !v->is_object()) return {};
  const auto& o = v->as_object();
  const auto* a = o.if_contains("amount");
  const auto* c = o.if_contains("currency");
  if (!a || !c || !c->is_string() || !(a->is_int64() || a->is_uint64())) return {};
  auto currency = rto::Currency::find(c->as_string());
  if (!currency) return {};
  std::int64_t amount = a->is_int64() ? a->as_int64() : static_cast<std::int64_t>(a->as_uint64());
  return rto::Money{amount, *currency}.format();
}

namespace {

std::string str(const js::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

std::string integer_text(const js::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key)) {
    if (v->is_int64()) return std::to_string(v->as_int64());
    if (v->is_uint64()) return std::to_string(v->as_uint64());
  }
  return {};
}

// The first reason of a credit decision, in the words the credit service gave the customer.
std::string first_reason(const js::object& o) {
  const auto* rs = o.if_contains("reasons");
  if (!rs || !rs->is_array() || rs->as_array().empty()) return {};
  const auto& r = rs->as_array().front();
  if (r.is_string()) return std::string(r.as_string());
  if (r.is_object()) return str(r.as_object(), "message");
  return {};
}

}  // namespace

std::optional<Notice> notice_for(std::string_view type, std::string_view subject, const js::value& data,
                                 const NoticeSettings& s) {
  static const js::object kEmpty;
  const js::object& d = data.is_object() ? data.as_object() : kEmpty;
  Notice n;
  n.recipient = str(d, "customer_id");
  if (n.recipient.empty()) n.recipient = str(d, "user_id");
  if (n.recipient.empty() && type.starts_with("user.")) n.recipient = std::string(subject);
  n.language_hint = str(d, "language");
  n.vars["brand"] = s.brand;
  n.vars["pay_instructions"] = s.pay_instructions;
  std::string reference = str(d, "reference");
  if (reference.empty()) {
    auto plan = str(d, "plan_id");
    reference = plan.size() >= 8 ? plan.substr(0, 8) : plan;
  }
  n.vars["reference"] = reference;

  if (type == "user.account.registered") {
    n.kind = "welcome";
  } else if (type == "credit.application.decided") {
    auto decision = str(d, "decision");
    n.kind = decision == "approved" ? "credit_approved" : decision == "declined" ? "credit_declined" : "credit_referred";
    auto reason = first_reason(d);
    if (reason.empty()) reason = decision == "declined" ? "it does not meet our rules today." : "we need to check a few details.";
    n.vars["reason"] = reason;
  } else if (type == "payment.plan.created") {
    n.kind = "plan_created";
    n.vars["amount"] = money_text(d.if_contains("deposit"));
  } else if (type == "payment.plan.activated") {
    n.kind = "plan_activated";
    n.vars["due_date"] = str(d, "first_due_date");
  } else if (type == "payment.plan.completed") {
    n.kind = "plan_completed";
  } else if (type == "payment.plan.defaulted") {
    n.kind = "plan_defaulted";
  } else if (type == "payment.collection.received") {
    n.kind = "receipt";
    n.vars["amount"] = money_text(d.if_contains("amount"));
    n.vars["balance"] = money_text(d.if_contains("outstanding"));
  } else if (type == "payment.request.failed") {
    n.kind = "payment_failed";
    n.vars["amount"] = money_text(d.if_contains("amount"));
  } else if (type == "payment.reminder.due") {
    // The payment service's kinds: due_tomorrow, due_today, overdue_1, overdue_3, overdue_7
    // (days_overdue says how late); every overdue one reads the same, with its days.
    auto kind = str(d, "kind");
    if (kind.rfind("overdue", 0) == 0) kind = "overdue";
    if (kind != "due_tomorrow" && kind != "due_today" && kind != "overdue") return std::nullopt;
    n.kind = "reminder_" + kind;
    n.vars["amount"] = money_text(d.if_contains("amount_due"));
    n.vars["due_date"] = str(d, "due_date");
    n.vars["days"] = integer_text(d, d.contains("days_overdue") ? "days_overdue" : "days_past_due");
  } else if (type == "payment.delinquency.changed") {
    // Only a move into a later bucket is news for the rider; the way back is told by receipts.
    auto from = str(d, "old_bucket");
    auto to = str(d, "new_bucket");
    static constexpr std::string_view kOrder[] = {"current", "1-7", "8-30", "31-60", "61-90", "90+"};
    auto rank = [](std::string_view b) {
      for (int i = 0; i < 6; ++i)
        if (kOrder[i] == b) return i;
      return -1;
    };
    if (rank(to) <= rank(from) || rank(to) <= 0) return std::nullopt;
    n.kind = "delinquency";
    n.vars["days"] = integer_text(d, "days_past_due");
  } else if (type == "payment.lock.required") {
    n.kind = "lock_warning";
    n.urgent = true;
    n.vars["amount"] = money_text(d.if_contains("outstanding"));
  } else if (type == "telematics.lock.pending") {
    n.kind = "lock_pending";
    n.urgent = true;
    if (auto amount = money_text(d.if_contains("amount_due")); !amount.empty()) {
      n.kind = "lock_warning";
      n.vars["amount"] = amount;
    }
  } else if (type == "payment.lock.released") {
    n.kind = "lock_released";
  } else if (type == "support.ticket.commented") {
    // A staff answer tells the customer (in the inbox and by SMS); their own comments do not.
    if (str(d, "author_kind") != "staff") return std::nullopt;
    n.kind = "ticket_answered";
    auto ticket = str(d, "ticket_id");
    n.vars["ticket"] = ticket.size() >= 8 ? ticket.substr(0, 8) : ticket;
  } else {
    return std::nullopt;
  }
  if (n.recipient.empty()) return std::nullopt;
  return n;
}

}  // namespace support_service
