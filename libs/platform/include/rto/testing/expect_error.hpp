#pragma once
// Unit-test helpers for the error vocabulary (rto/errors.hpp): which error a call throws and
// which fields it names. Header-only; needs GoogleTest.
#include <gtest/gtest.h>

#include <rto/errors.hpp>
#include <string_view>

namespace rto::testing {

// Runs f and returns the rto::Error it throws (a test failure when it throws none).
template <typename F>
rto::Error error_of(F&& f) {
  try {
    f();
  } catch (const rto::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected an rto::Error";
  return rto::Error(rto::ErrorKind::Internal, "no error thrown");
}

inline bool names_field(const rto::Error& e, std::string_view field) {
  for (const auto& f : e.fields())
    if (f.field == field) return true;
  return false;
}

}  // namespace rto::testing
