// Boost.JSON compiled into the fuzz build, instrumented (see CMakeLists.txt).
#include <boost/json/src.hpp>
