#pragma once
// Account references customers quote when paying: "RTO-" + five Crockford base-32 symbols
// (no I, L, O, U) + one check symbol. One per plan, never per customer.
//
// The check symbol is Σ (position+1) × value mod 31: it catches every single wrong symbol
// except 0↔Z and every swap of two neighbouring data symbols except 0/Z pairs — the usual slips when a
// reference is typed into a mobile-money menu.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace payment_service {

// From 25 random bits (higher bits are ignored).
std::string make_reference(std::uint32_t random_bits);

// Accepts what people type: any case, with or without "RTO-"/"RTO", spaces or dashes, and
// the Crockford look-alikes O→0, I/L→1. Returns the canonical "RTO-XXXXXX", or nullopt when
// it is malformed or its check symbol is wrong.
std::optional<std::string> normalize_reference(std::string_view text);

}  // namespace payment_service
