-- A national id already on another account no longer refuses the submission with 409 (which
-- told anyone who tried an id that it is registered): the profile waits for a reviewer like
-- any other, and the reviewer sees the clash (GET /api/v1/users/{id}/kyc,
-- national_id_clashes_with) and cannot verify a second account under an id already verified.
ALTER TABLE kyc_profiles DROP CONSTRAINT kyc_profiles_national_id_index_key;
CREATE INDEX kyc_profiles_national_id_index ON kyc_profiles (national_id_index);
