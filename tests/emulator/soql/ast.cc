#include "tests/emulator/soql/ast.h"

#include <strings.h>

#include <array>
#include <utility>

namespace sfsync::emulator {

bool IsAggregate(Function function) {
  switch (function) {
    case Function::kCount:
    case Function::kCountDistinct:
    case Function::kMin:
    case Function::kMax:
    case Function::kSum:
    case Function::kAvg:
      return true;
    default:
      return false;
  }
}

std::optional<Function> FunctionNamed(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Function>, 9> kNames = {{
      {"COUNT", Function::kCount},
      {"COUNT_DISTINCT", Function::kCountDistinct},
      {"MIN", Function::kMin},
      {"MAX", Function::kMax},
      {"SUM", Function::kSum},
      {"AVG", Function::kAvg},
      {"CALENDAR_YEAR", Function::kCalendarYear},
      {"CALENDAR_MONTH", Function::kCalendarMonth},
      {"DAY_ONLY", Function::kDayOnly},
  }};
  for (const auto& [text, function] : kNames) {
    if (text.size() == name.size() && strncasecmp(text.data(), name.data(), name.size()) == 0) {
      return function;
    }
  }
  return std::nullopt;
}

}  // namespace sfsync::emulator
