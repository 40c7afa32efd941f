# rto_add_service(<name> PREFIX <p>
#                 DOMAIN <sources...>          pure domain code: links only rto::core
#                 APP <sources...>             handlers, routes, storage, clients, events
#                 [LINK <targets...>]          more libraries for the executable (e.g. rto_fast_malloc)
#                 [UNIT_TESTS <sources...>]    tests/unit, against <p>_domain
#                 [INTEGRATION_TESTS <sources...>] tests/integration, against <p>_app and the
#                                              test PostgreSQL/RabbitMQ
#                 [INTEGRATION_LINK <targets...>])
# Makes the targets every service has: <p>_domain, <p>_app, the executable <name> (src/main.cpp,
# its migrations/ embedded), and, with RTO_BUILD_TESTS, <p>_unit_tests (label unit) and
# <p>_integration_tests (label integration), their tests named "<p>.<Suite>.<Test>".
# The domain library sees only rto::core (no database, HTTP or metrics), so the build itself keeps
# domain code pure.
function(rto_add_service name)
  cmake_parse_arguments(PARSE_ARGV 1 S "" "PREFIX" "DOMAIN;APP;LINK;UNIT_TESTS;INTEGRATION_TESTS;INTEGRATION_LINK")
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})
  set(p ${S_PREFIX})

  add_library(${p}_domain STATIC ${S_DOMAIN})
  target_include_directories(${p}_domain PUBLIC ${dir}/src)
  target_link_libraries(${p}_domain PUBLIC rto::core PRIVATE rto_warnings)
  if(RTO_FUZZ)  # the fuzz build (fuzz/) needs only the domain library
    return()
  endif()

  add_library(${p}_app STATIC ${S_APP})
  target_link_libraries(${p}_app PUBLIC ${p}_domain rto::platform PRIVATE rto_warnings)

  add_executable(${name} src/main.cpp)
  target_link_libraries(${name} PRIVATE ${p}_app rto_warnings ${S_LINK})
  rto_embed_migrations(${name} ${dir}/migrations)

  if(NOT RTO_BUILD_TESTS)
    return()
  endif()
  include(GoogleTest)
  if(S_UNIT_TESTS)
    add_executable(${p}_unit_tests ${S_UNIT_TESTS})
    target_link_libraries(${p}_unit_tests PRIVATE ${p}_domain rto_warnings GTest::gtest_main)
    gtest_discover_tests(${p}_unit_tests TEST_PREFIX "${p}." PROPERTIES LABELS unit DISCOVERY_TIMEOUT 30)
  endif()
  if(S_INTEGRATION_TESTS)
    add_executable(${p}_integration_tests ${S_INTEGRATION_TESTS})
    target_link_libraries(${p}_integration_tests PRIVATE ${p}_app rto::testing rto_warnings GTest::gtest
                          ${S_INTEGRATION_LINK})
    target_include_directories(${p}_integration_tests PRIVATE ${dir}/tests/integration)
    rto_embed_migrations(${p}_integration_tests ${dir}/migrations)
    gtest_discover_tests(${p}_integration_tests TEST_PREFIX "${p}." PROPERTIES LABELS integration
                         DISCOVERY_TIMEOUT 30)
  endif()
endfunction()
