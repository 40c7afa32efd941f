-- A Kenyan product, collected by M-Pesa: motorcycle, daily over 18 months, 15% deposit, in
-- whole shillings (KES has cents; M-Pesa takes whole shillings, so every amount rounds to 100).
-- The late fee is 5% of the overdue instalment, at most KES 200.
INSERT INTO plan_templates (id, slug, version, terms, created_by) VALUES
('5e3d0005-0000-4000-8000-000000000005', 'motorcycle-daily-18m-ke', 1, '{
  "id": "5e3d0005-0000-4000-8000-000000000005", "slug": "motorcycle-daily-18m-ke", "version": 1,
  "name": "Motorcycle, daily, 18 months (Kenya)", "category": "motorcycle", "currency": "KES",
  "frequency": "daily", "instalment_count": 546, "min_deposit_bps": 1500,
  "pricing": "flat_markup", "rate_bps": 3500, "grace_days": 1,
  "late_fee": {"kind": "percent", "percent_bps": 500, "cap": 20000},
  "lock_after_days": 3, "rounding_unit": 100, "payoff_discount_bps": 10000}', 'seed');
