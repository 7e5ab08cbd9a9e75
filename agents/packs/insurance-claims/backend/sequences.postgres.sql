-- After data.sql on Postgres: data.sql gives the seeded payments their ids, which an identity
-- column does not count, so the next payment and email would collide with them. Start each
-- counter past the largest seeded id.
SELECT setval(pg_get_serial_sequence('payments', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM payments), false);
SELECT setval(pg_get_serial_sequence('email_outbox', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM email_outbox), false);
