-- Staff-edited notification templates: each replaces the built-in template of its kind and
-- language (src/domain/templates.cpp) until it is deleted. Checked when saved; one that still
-- fails to render at send time falls back to the built-in English text.
CREATE TABLE template_overrides (
  kind        text NOT NULL,
  language    text NOT NULL CHECK (language IN ('en', 'sw')),
  title       text NOT NULL,
  text        text NOT NULL,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (kind, language)
);
