-- Harbour Mutual claims desk: the insurance-claims pack's tables on SQLite.
-- Run before data.sql. Dates are ISO 8601 text (YYYY-MM-DD); amounts in GBP.
-- schema.postgres.sql holds the same tables, checks and triggers for Postgres.

CREATE TABLE customers (
  id      TEXT PRIMARY KEY CHECK (id GLOB 'CUS-[0-9][0-9][0-9][0-9]'),
  name    TEXT NOT NULL,
  email   TEXT NOT NULL,
  phone   TEXT NOT NULL,
  address TEXT NOT NULL,
  flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1))
);

CREATE TABLE policies (
  id          TEXT PRIMARY KEY CHECK (id GLOB 'HOM-[0-9][0-9][0-9][0-9]' OR id GLOB 'MOT-[0-9][0-9][0-9][0-9]'),
  customer_id TEXT NOT NULL REFERENCES customers(id),
  product     TEXT NOT NULL CHECK (product IN ('home', 'motor')),
  status      TEXT NOT NULL CHECK (status IN ('active', 'lapsed', 'cancelled')),
  start_date  TEXT NOT NULL,
  end_date    TEXT NOT NULL,
  sum_insured REAL NOT NULL CHECK (sum_insured > 0),
  excess      REAL NOT NULL CHECK (excess >= 0)
);

CREATE TABLE claims (
  id             TEXT PRIMARY KEY CHECK (id GLOB 'CLM-[0-9][0-9][0-9][0-9]'),
  policy_id      TEXT NOT NULL REFERENCES policies(id),
  peril          TEXT NOT NULL,
  description    TEXT NOT NULL,
  incident_date  TEXT NOT NULL,
  reported_date  TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('open', 'under_investigation', 'settled', 'declined')),
  claimed_amount REAL NOT NULL CHECK (claimed_amount >= 0)
);

CREATE TABLE payments (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  claim_id   TEXT NOT NULL REFERENCES claims(id),
  amount     REAL NOT NULL CHECK (amount > 0),
  payee      TEXT NOT NULL,
  reference  TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE email_outbox (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  claim_id   TEXT NOT NULL REFERENCES claims(id),
  to_address TEXT NOT NULL,
  subject    TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX policies_customer ON policies(customer_id);
CREATE INDEX claims_policy ON claims(policy_id);
CREATE INDEX payments_claim ON payments(claim_id);
CREATE INDEX email_outbox_claim ON email_outbox(claim_id);

-- A payment must be for a claim that exists and has not been declined.
CREATE TRIGGER payments_check_claim BEFORE INSERT ON payments
BEGIN
  SELECT RAISE(ABORT, 'payment refused: unknown claim')
    WHERE NOT EXISTS (SELECT 1 FROM claims WHERE id = NEW.claim_id);
  SELECT RAISE(ABORT, 'payment refused: the claim has been declined')
    WHERE EXISTS (SELECT 1 FROM claims WHERE id = NEW.claim_id AND status = 'declined');
END;

-- Paying a claim settles it.
CREATE TRIGGER payments_settle_claim AFTER INSERT ON payments
BEGIN
  UPDATE claims SET status = 'settled' WHERE id = NEW.claim_id;
END;

-- An email can only be filed against a claim that exists.
CREATE TRIGGER email_outbox_check_claim BEFORE INSERT ON email_outbox
BEGIN
  SELECT RAISE(ABORT, 'email refused: unknown claim')
    WHERE NOT EXISTS (SELECT 1 FROM claims WHERE id = NEW.claim_id);
END;

