#include <gtest/gtest.h>

#include "rto/crypto.hpp"
#include "rto/errors.hpp"

using namespace rto::crypto;

TEST(Password, HashAndVerify) {
  auto h = hash_password("correct horse", PasswordCost::minimal());
  EXPECT_TRUE(h.starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password(h, "correct horse"));
  EXPECT_FALSE(verify_password(h, "correct horsE"));
  EXPECT_FALSE(verify_password("garbage", "x"));
  EXPECT_NE(hash_password("same", PasswordCost::minimal()), hash_password("same", PasswordCost::minimal()));
}

TEST(FieldCipher, RoundTripAndTamper) {
  FieldCipher c(base64_encode(std::string(32, 'k')));
  auto sealed = c.encrypt("CM1234567890AB", "user-1");
  EXPECT_EQ(c.decrypt(sealed, "user-1"), "CM1234567890AB");
  EXPECT_NE(c.encrypt("x"), c.encrypt("x"));  // random nonce
  EXPECT_THROW(c.decrypt(sealed, "user-2"), std::runtime_error);  // bound to its row
  auto raw = base64_decode(sealed);
  raw[raw.size() - 1] ^= 1;
  EXPECT_THROW(c.decrypt(base64_encode(raw)), std::runtime_error);
}

TEST(FieldCipher, BlindIndexIsKeyedAndDeterministic) {
  FieldCipher a(base64_encode(std::string(32, 'a'))), b(base64_encode(std::string(32, 'b')));
  EXPECT_EQ(a.blind_index("nid", "CM1"), a.blind_index("nid", "CM1"));
  EXPECT_NE(a.blind_index("nid", "CM1"), a.blind_index("nid", "CM2"));
  EXPECT_NE(a.blind_index("nid", "CM1"), a.blind_index("phone", "CM1"));
  EXPECT_NE(a.blind_index("nid", "CM1"), b.blind_index("nid", "CM1"));
  EXPECT_EQ(a.blind_index("nid", "CM1").size(), 64u);
}

TEST(FieldCipher, RejectsBadKeys) {
  EXPECT_THROW(FieldCipher("not base64!"), rto::ConfigError);
  EXPECT_THROW(FieldCipher(base64_encode("short")), rto::ConfigError);
}

TEST(Random, UuidAndTokens) {
  auto u = uuid_v4();
  EXPECT_TRUE(is_uuid(u));
  EXPECT_EQ(u[14], '4');
  EXPECT_FALSE(is_uuid("not-a-uuid"));
  EXPECT_FALSE(is_uuid("zzzzzzzz-zzzz-4zzz-8zzz-zzzzzzzzzzzz"));
  EXPECT_NE(random_token(), random_token());
  EXPECT_EQ(random_token(32).size(), 43u);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2 (HMAC-SHA256 5bdcc146...ec3843).
  EXPECT_EQ(base64_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}
