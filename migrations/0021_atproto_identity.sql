-- did:plc bookkeeping for bridged accounts. Every later PLC operation (a handle change, a key
-- rotation) must name the CID of the one before it, so the latest one this server signed is kept.

ALTER TABLE atproto_accounts ADD COLUMN plc_op_cid TEXT;
