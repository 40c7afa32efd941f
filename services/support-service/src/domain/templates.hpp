#pragma once
// Notification templates in English and Swahili and their rendering, and the mapping from an
// event to the notice it causes (kind, recipient, variables). Pure: no I/O.
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace support_service {

using Vars = std::map<std::string, std::string, std::less<>>;

inline constexpr std::string_view kLanguages[] = {"en", "sw"};
bool is_language(std::string_view l) noexcept;

struct Template {
  std::string kind;      // e.g. "receipt"
  std::string language;  // "en" | "sw"
  std::string title;     // in-app title
  std::string text;      // SMS and in-app body; "{{var}}" placeholders
};
// The built-in templates: every kind in both languages.
const std::vector<Template>& builtin_templates();
const Template* find_template(std::string_view kind, std::string_view language);

// The variables a template of `kind` may use: those its built-in templates use, and name, brand
// and pay_instructions (always given). Empty for a kind with no built-in template.
std::vector<std::string> template_variables(std::string_view kind);
// Why `text` cannot be a template of `kind` (a placeholder not closed or empty, a variable the
// kind does not have), or nullopt when it can. Staff-edited templates are checked with it.
std::optional<std::string> template_problem(std::string_view kind, std::string_view text);

// Replaces every "{{name}}" with vars[name]. Returns nullopt, naming the problem in `error`,
// when a variable is missing or a placeholder is not closed.
std::optional<std::string> render_text(std::string_view text, const Vars& vars, std::string* error = nullptr);

struct Rendered {
  std::string language;      // the language actually used
  std::string title;
  std::string body;
  bool fell_back = false;    // the requested language failed to render; English was used
  std::string error;         // why the requested language failed (for the log)
};
// Renders `kind` in `language` — a staff-edited template from `overrides` first, else the
// built-in one. When that fails (or the language is unknown) it falls back to the built-in
// English template (never to an edited one, which may be what failed), and to the bare title
// when that fails too.
Rendered render(std::string_view kind, std::string_view language, const Vars& vars,
                const std::vector<Template>& overrides = {});

// What an event means for a rider.
struct Notice {
  std::string kind;           // template kind
  std::string recipient;      // user id
  Vars vars;                  // template variables from the event
  bool urgent = false;        // sent even in quiet hours
  std::string language_hint;  // from the event, when it carries one
};

struct NoticeSettings {
  std::string brand = "RTO Motors";
  std::string pay_instructions = "Pay with mobile money in the app.";
};

// Formats {"amount": 150000, "currency": "UGX"} as "UGX 150,000"; empty when it is not money.
std::string money_text(const boost::json::value* v);

// The notice an event causes, or nullopt when the event tells the rider nothing (or names no
// recipient). The rider's name is added later (from the user service), as "name".
std::optional<Notice> notice_for(std::string_view type, std::string_view subject, const boost::json::value& data,
                                 const NoticeSettings& s);

}  // namespace support_service
