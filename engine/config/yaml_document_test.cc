#include "engine/config/yaml_document.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

namespace sfsync::config {
namespace {

struct Parsed {
  std::optional<JobDocument> doc;
  std::string errors;  // the diagnostics' message; empty when parsing succeeded
};

Parsed Parse(std::string_view text) {
  Diagnostics diag("job.yaml");
  Parsed p;
  p.doc = ParseYamlDocument(text, &diag);
  if (!diag.empty()) p.errors = diag.ToStatus().message();
  return p;
}

bool IsFloat(const nlohmann::json& j, double value) { return j.is_number_float() && j.get<double>() == value; }

TEST_CASE("plain scalars follow the YAML 1.2 core schema") {
  CHECK(ResolvePlainScalar("1") == 1);
  CHECK(ResolvePlainScalar("-5") == -5);
  CHECK(ResolvePlainScalar("+5") == 5);
  CHECK(ResolvePlainScalar("012") == 12);  // 1.2 has no leading-zero octal
  CHECK(ResolvePlainScalar("0o17") == 15);
  CHECK(ResolvePlainScalar("0x1F") == 31);
  CHECK(IsFloat(ResolvePlainScalar("1.0"), 1.0));  // version: 1.0 is not the integer 1
  CHECK(IsFloat(ResolvePlainScalar("60.0"), 60.0));
  CHECK(IsFloat(ResolvePlainScalar("1e3"), 1000.0));
  CHECK(IsFloat(ResolvePlainScalar(".5"), 0.5));
  CHECK(std::isinf(ResolvePlainScalar("-.Inf").get<double>()));
  CHECK(std::isnan(ResolvePlainScalar(".nan").get<double>()));
  CHECK(ResolvePlainScalar("99999999999999999999").is_number_float());
  CHECK(ResolvePlainScalar("true") == true);
  CHECK(ResolvePlainScalar("FALSE") == false);
  CHECK(ResolvePlainScalar("~").is_null());
  CHECK(ResolvePlainScalar("Null").is_null());
  // YAML 1.1 booleans and other look-alikes stay strings.
  CHECK(ResolvePlainScalar("yes") == "yes");
  CHECK(ResolvePlainScalar("no") == "no");
  CHECK(ResolvePlainScalar("on") == "on");
  CHECK(ResolvePlainScalar("1_000") == "1_000");
  CHECK(ResolvePlainScalar("0b101") == "0b101");
  CHECK(ResolvePlainScalar("60.0.1") == "60.0.1");
  for (const char* text : {"-", ".", "1e", "e5", "1e5e3", "0o", "0x", "0o8", "0xG", "+0x1", "1.5.2", ".inf.", "inf"}) {
    CAPTURE(text);
    CHECK(ResolvePlainScalar(text) == text);
  }
  CHECK(IsFloat(ResolvePlainScalar("1."), 1.0));
  CHECK(IsFloat(ResolvePlainScalar("-2.5E-1"), -0.25));
  CHECK(IsFloat(ResolvePlainScalar("+.5e+1"), 5.0));
  CHECK(std::isinf(ResolvePlainScalar("+.inf").get<double>()));
}

TEST_CASE("regression: a plain scalar a megabyte long is resolved, not a stack overflow in std::regex") {
  CHECK(ResolvePlainScalar(std::string(1000000, '7')).is_number_float());
  CHECK(ResolvePlainScalar("0." + std::string(1000000, '5')).is_number_float());
  CHECK(ResolvePlainScalar(std::string(1000000, 'x')).is_string());
  Parsed p = Parse("version: 1\nname: " + std::string(900000, '1') + "\n");
  REQUIRE_MESSAGE(p.doc, p.errors);
  CHECK(p.doc->root["name"].is_number_float());
}

TEST_CASE("quoted, tagged and block scalars are strings") {
  Parsed p = Parse("a: \"1\"\nb: '~'\nc: !!str 5\nd: |\n  x\n  y\ne: 'it''s'\n");
  REQUIRE_MESSAGE(p.doc, p.errors);
  CHECK(p.doc->root["a"] == "1");
  CHECK(p.doc->root["b"] == "~");
  CHECK(p.doc->root["c"] == "5");
  CHECK(p.doc->root["d"] == "x\ny\n");
  CHECK(p.doc->root["e"] == "it's");
}

TEST_CASE("every value is mapped to its 1-based line, column and key path") {
  Parsed p = Parse(
      "version: 1\n"
      "connection:\n"
      "  login_url: https://x\n"
      "objects:\n"
      "  - name: Account\n"
      "    fields: [Id, Name]\n");
  REQUIRE_MESSAGE(p.doc, p.errors);
  const SourceNode& url = p.doc->source.Find("/connection/login_url");
  CHECK(url.path == "connection.login_url");
  CHECK(url.key.line == 3);
  CHECK(url.key.column == 3);
  CHECK(url.value.line == 3);
  CHECK(url.value.column == 14);
  const SourceNode& field = p.doc->source.Find("/objects/0/fields/1");
  CHECK(field.path == "objects[0].fields[1]");
  CHECK(field.value.line == 6);
  CHECK(field.value.column == 18);
  // A pointer with no node of its own falls back to its nearest ancestor.
  CHECK(p.doc->source.Find("/objects/0/batch_size").path == "objects[0]");
}

TEST_CASE("an empty value is located at its key, a spelled null at itself") {
  Parsed p = Parse("a:\nname: x\nb: ~\n");
  REQUIRE_MESSAGE(p.doc, p.errors);
  CHECK(p.doc->root["a"].is_null());
  const SourceNode& a = p.doc->source.Find("/a");
  CHECK(a.value.line == 1);
  CHECK(a.value.column == 1);
  const SourceNode& b = p.doc->source.Find("/b");
  CHECK(b.value.line == 3);
  CHECK(b.value.column == 4);
}

TEST_CASE("duplicate keys, which yaml-cpp accepts, are refused at the second one") {
  Parsed p = Parse("store:\n  sqlite: a.db\n  sqlite: b.db\n");
  CHECK_FALSE(p.doc);
  CHECK(p.errors == "job.yaml:3:3: store.sqlite: duplicate key 'sqlite' (first set on line 2)");
}

TEST_CASE("a tab in indentation is named instead of yaml-cpp's puzzling message") {
  Parsed p = Parse("connection:\n\tlogin_url: x\n");
  CHECK_FALSE(p.doc);
  CHECK(p.errors == "job.yaml:2:1: YAML syntax error: tab character in indentation (YAML indents with spaces only)");
  // A tab inside a line is ordinary whitespace.
  CHECK(Parse("a:\tb\n").doc);
}

TEST_CASE("a quote left open to the end of the file is an error, though yaml-cpp accepts it") {
  Parsed p = Parse("name: \"bad\nversion: 1\n");
  CHECK_FALSE(p.doc);
  CHECK(p.errors == "job.yaml:1:7: name: YAML syntax error: the double quote opened here is never closed");
  Parsed single = Parse("name: 'it''s\n");
  CHECK(single.errors == "job.yaml:1:7: name: YAML syntax error: the single quote opened here is never closed");
  CHECK(Parse("name: \"a \\\" b\"\n").doc);
}

TEST_CASE("syntax errors carry yaml-cpp's message at its position") {
  Parsed p = Parse("a: [1, 2\nb: 1\n");
  CHECK_FALSE(p.doc);
  CHECK(p.errors == "job.yaml:2:2: YAML syntax error: end of sequence flow not found");
}

TEST_CASE("empty files, non-mapping roots and several documents are refused") {
  CHECK(Parse("").errors ==
        "job.yaml:1:1: the job file is empty: expected a mapping with version, name, connection, store and objects");
  CHECK(Parse("# only a comment\n").errors.find("the job file is empty") != std::string::npos);
  CHECK(Parse("- a\n- b\n").errors ==
        "job.yaml:1:1: the top level must be a mapping of keys (version, name, connection, store, objects), not a list");
  CHECK(Parse("hello\n").errors.find("not a single value") != std::string::npos);
  CHECK(Parse("a: 1\n---\nb: 2\n").errors.find("job.yaml:3:1: a job file holds one YAML document") == 0);
}

TEST_CASE("keys that are not plain scalars and unsupported tags are refused") {
  CHECK(Parse("? [a]\n: 1\n").errors.find("a key must be a plain name") != std::string::npos);
  CHECK(Parse("a: !!int 5\n").errors == "job.yaml:1:4: a: YAML tag '!!int' is not supported: write the value "
                                        "plainly, or quote it for a string");
}

TEST_CASE("a recursive alias is refused instead of recursing forever") {
  Parsed p = Parse("a: &x [1, *x]\n");
  CHECK_FALSE(p.doc);
  CHECK(p.errors.find("nests too deep") != std::string::npos);
}

}  // namespace
}  // namespace sfsync::config
