#include "tests/emulator/json_writer.h"

#include <doctest/doctest.h>

namespace sfsync::emulator {
namespace {

std::string Quoted(std::string_view value) {
  std::string out;
  AppendJsonString(&out, value);
  return out;
}

std::string Number(double value, NumberStyle style) {
  std::string out;
  AppendJsonDouble(&out, value, style);
  return out;
}

TEST_CASE("strings escape quotes, backslashes and control characters, UTF-8 passes through") {
  CHECK(Quoted("plain") == "\"plain\"");
  CHECK(Quoted("Widgets \"R\" Us") == "\"Widgets \\\"R\\\" Us\"");
  CHECK(Quoted("C:\\contracts") == "\"C:\\\\contracts\"");
  CHECK(Quoted("line\nnext\ttab\r") == "\"line\\nnext\\ttab\\r\"");
  CHECK(Quoted(std::string_view("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(Quoted("Müller 東京 ’") == "\"Müller 東京 ’\"");
}

TEST_CASE("doubles always carry a decimal point, the Java style switches to E-notation") {
  CHECK(Number(15000, NumberStyle::kDecimal) == "15000.0");
  CHECK(Number(139000000, NumberStyle::kDecimal) == "139000000.0");
  CHECK(Number(12500.75, NumberStyle::kDecimal) == "12500.75");
  CHECK(Number(-42.5, NumberStyle::kDecimal) == "-42.5");
  CHECK(Number(0.0001, NumberStyle::kDecimal) == "0.0001");
  CHECK(Number(15000, NumberStyle::kJava) == "15000.0");
  CHECK(Number(139000000, NumberStyle::kJava) == "1.39E8");
  CHECK(Number(10000000, NumberStyle::kJava) == "1.0E7");
  CHECK(Number(-25000000.5, NumberStyle::kJava) == "-2.50000005E7");
  CHECK(Number(0.0001, NumberStyle::kJava) == "1.0E-4");
  CHECK(Number(0, NumberStyle::kJava) == "0.0");
}

TEST_CASE("the writer places commas and colons in nested objects and arrays") {
  std::string out;
  JsonWriter json(&out);
  json.BeginObject();
  json.Key("totalSize");
  json.Int(2);
  json.Key("records");
  json.BeginArray();
  json.BeginObject();
  json.Key("a");
  json.Null();
  json.Key("b");
  json.Bool(true);
  json.EndObject();
  json.String("x");
  json.Raw("[]");
  json.EndArray();
  json.Key("d");
  json.Double(1.5);
  json.EndObject();
  CHECK(out == R"({"totalSize":2,"records":[{"a":null,"b":true},"x",[]],"d":1.5})");
}

}  // namespace
}  // namespace sfsync::emulator
