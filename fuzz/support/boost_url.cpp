// Boost.URL compiled into the fuzz build, instrumented (see CMakeLists.txt).
#include <boost/url/src.hpp>
