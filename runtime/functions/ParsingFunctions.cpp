//===- ParsingFunctions.cpp - parse_url, parse_path, parse_csv, ... --------===//
//
// Functions that take text apart into a dynamic value. Every loop is bounded
// by its input; parse_xml (XmlParser.cpp) refuses input over 1 MB, as Kusto
// does.
//
//===----------------------------------------------------------------------===//
#include "functions/Arguments.h"
#include "functions/FunctionLibrary.h"

#include <cctype>
#include <charconv>
#include <cstring>

namespace rulec::functions {

std::string xmlToJson(std::string_view xml, bool &ok); // XmlParser.cpp

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string percentDecoded(std::string_view s, bool plusIsSpace) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned value = 0;
    if (s[i] == '%' && i + 2 < s.size() &&
        std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16).ptr == s.data() + i + 3) {
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += plusIsSpace && s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

/// A query string's parameters as a bag (values percent-decoded; a repeated
/// key keeps its last value).
std::string queryBag(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty())
      continue;
    const size_t eq = pair.find('=');
    std::string key = percentDecoded(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : percentDecoded(pair.substr(eq + 1), true);
    bool replaced = false;
    for (auto &p : params)
      if (p.first == key)
        p.second = value, replaced = true;
    if (!replaced)
      params.emplace_back(std::move(key), std::move(value));
  }
  std::string bag = "{";
  for (size_t i = 0; i < params.size(); ++i)
    bag += (i ? "," : "") + jsonQuoted(params[i].first) + ":" + jsonQuoted(params[i].second);
  return bag + "}";
}

/// parse_url(url): an absolute URL "scheme://[user[:password]@]host[:port][/path][?query][#fragment]";
/// anything else gives null.
void parseUrl(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (!textArg(ctx, argc, args, 0, text))
    return;
  std::string_view url(text);
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0)
    return;
  const std::string_view scheme = url.substr(0, colon);
  for (char c : scheme)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return;
  std::string_view rest = url.substr(colon + 3), fragment, query;
  if (size_t hash = rest.find('#'); hash != std::string_view::npos)
    fragment = rest.substr(hash + 1), rest = rest.substr(0, hash);
  if (size_t q = rest.find('?'); q != std::string_view::npos)
    query = rest.substr(q + 1), rest = rest.substr(0, q);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash), path = slash == std::string_view::npos ? "" : rest.substr(slash);
  std::string_view user, password, host = authority, port;
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    user = authority.substr(0, at);
    host = authority.substr(at + 1);
    if (size_t c = user.find(':'); c != std::string_view::npos)
      password = user.substr(c + 1), user = user.substr(0, c);
  }
  const size_t bracket = host.rfind(']');
  if (size_t c = host.rfind(':'); c != std::string_view::npos && (bracket == std::string_view::npos || c > bracket))
    port = host.substr(c + 1), host = host.substr(0, c);
  for (char c : port)
    if (c < '0' || c > '9')
      return;
  std::string bag = "{\"Scheme\":" + jsonQuoted(scheme) + ",\"Host\":" + jsonQuoted(host) +
                    ",\"Port\":" + jsonQuoted(port) + ",\"Path\":" + jsonQuoted(path) +
                    ",\"Username\":" + jsonQuoted(user) + ",\"Password\":" + jsonQuoted(password) +
                    ",\"Query Parameters\":" + queryBag(query) + ",\"Fragment\":" + jsonQuoted(fragment) + "}";
  *out = kqlvalue::string(ctx, bag, RULEC_JSON);
}

/// parse_urlquery(query): {"Query Parameters": {...}}; a leading '?' is skipped.
void parseUrlQuery(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (!textArg(ctx, argc, args, 0, text))
    return;
  std::string_view query(text);
  if (query.starts_with('?'))
    query.remove_prefix(1);
  *out = kqlvalue::string(ctx, "{\"Query Parameters\":" + queryBag(query) + "}", RULEC_JSON);
}

/// parse_path(path): scheme ("file://..."), root (a drive "C:"), directory,
/// file name, extension and an NTFS alternate data stream ("file.txt:ads").
void parsePath(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (!textArg(ctx, argc, args, 0, text))
    return;
  std::string_view path(text), scheme, root;
  if (size_t c = path.find("://"); c != std::string_view::npos && c > 1) {
    bool ok = std::isalpha(static_cast<unsigned char>(path[0]));
    for (char ch : path.substr(0, c))
      ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == '.');
    if (ok)
      scheme = path.substr(0, c), path.remove_prefix(c + 3);
  }
  if (path.size() >= 2 && path[1] == ':' && std::isalpha(static_cast<unsigned char>(path[0])))
    root = path.substr(0, 2);
  const size_t last = path.find_last_of("/\\");
  std::string_view directory = last == std::string_view::npos ? "" : path.substr(0, last);
  std::string_view file = last == std::string_view::npos ? path.substr(root.size()) : path.substr(last + 1), stream;
  if (size_t c = file.find(':'); c != std::string_view::npos)
    stream = file.substr(c + 1), file = file.substr(0, c);
  const size_t dirLast = directory.find_last_of("/\\");
  std::string_view directoryName = dirLast == std::string_view::npos ? directory : directory.substr(dirLast + 1);
  const size_t dot = file.rfind('.');
  std::string_view extension = dot == std::string_view::npos ? "" : file.substr(dot + 1);
  std::string bag = "{\"Scheme\":" + jsonQuoted(scheme) + ",\"RootPath\":" + jsonQuoted(root) +
                    ",\"DirectoryPath\":" + jsonQuoted(directory) + ",\"DirectoryName\":" + jsonQuoted(directoryName) +
                    ",\"Filename\":" + jsonQuoted(file) + ",\"Extension\":" + jsonQuoted(extension) +
                    ",\"AlternateDataStreamName\":" + jsonQuoted(stream) + "}";
  *out = kqlvalue::string(ctx, bag, RULEC_JSON);
}

/// parse_csv(text): the first record's fields; "..." quotes a field, "" in
/// it is a quote.
void parseCsv(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (!textArg(ctx, argc, args, 0, text))
    return;
  std::vector<std::string> items;
  std::string field;
  bool quoted = false, wasQuoted = false;
  size_t i = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"' && field.empty() && !wasQuoted) {
      quoted = wasQuoted = true;
    } else if (c == ',') {
      items.push_back(jsonQuoted(field));
      field.clear();
      wasQuoted = false;
    } else if (c == '\n' || c == '\r') {
      break; // one record only
    } else {
      field += c;
    }
  }
  items.push_back(jsonQuoted(field));
  *out = arrayValue(ctx, items);
}

/// parse_command_line(cmd, "windows"): CommandLineToArgvW's rules. The
/// program name ends at the next quote if it starts with one, else at
/// white space; then 2n backslashes before a quote are n and the quote
/// toggles quoting, 2n+1 are n and a literal quote; three quotes in a row
/// give a literal one.
void parseCommandLine(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text, kind;
  if (!textArg(ctx, argc, args, 0, text) || !textArg(ctx, argc, args, 1, kind) || kind != "windows")
    return;
  std::vector<std::string> items;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n && isSpace(text[i]) && text[i] != '\r' && text[i] != '\n')
    ++i;
  if (i < n) {
    std::string program;
    if (text[i] == '"') {
      for (++i; i < n && text[i] != '"'; ++i)
        program += text[i];
      if (i < n)
        ++i;
    } else {
      for (; i < n && text[i] != ' ' && text[i] != '\t'; ++i)
        program += text[i];
    }
    items.push_back(jsonQuoted(program));
  }
  std::string arg;
  bool inArg = false;
  int quotes = 0;
  size_t backslashes = 0;
  while (i < n) {
    const char c = text[i];
    if ((c == ' ' || c == '\t') && quotes == 0) {
      if (inArg)
        items.push_back(jsonQuoted(arg));
      arg.clear();
      inArg = false;
      backslashes = 0;
      ++i;
      continue;
    }
    inArg = true;
    if (c == '\\') {
      arg += c;
      ++backslashes;
      ++i;
    } else if (c == '"') {
      if (backslashes % 2 == 0) {
        arg.resize(arg.size() - backslashes / 2);
        ++quotes;
      } else {
        arg.resize(arg.size() - backslashes / 2 - 1);
        arg += '"';
      }
      ++i;
      backslashes = 0;
      while (i < n && text[i] == '"') {
        if (++quotes == 3) {
          arg += '"';
          quotes = 0;
        }
        ++i;
      }
      if (quotes == 2)
        quotes = 0;
    } else {
      arg += c;
      backslashes = 0;
      ++i;
    }
  }
  if (inArg)
    items.push_back(jsonQuoted(arg));
  *out = arrayValue(ctx, items);
}

/// parse_xml(xml): see XmlParser.cpp.
void parseXml(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string text;
  if (!textArg(ctx, argc, args, 0, text))
    return;
  bool ok = false;
  std::string json = xmlToJson(text, ok);
  if (ok)
    *out = kqlvalue::string(ctx, json, RULEC_JSON);
}

/// extract_json(path, json): a JSONPath subset ($, .name, ['name'], [n]);
/// a string element gives its text, any other its JSON; no such element or
/// JSON that does not parse, null.
void extractJson(rulec_context *ctx, uint32_t argc, const rulec_value *const *args, rulec_value *out) {
  std::string path, text;
  if (!textArg(ctx, argc, args, 0, path) || !textArg(ctx, argc, args, 1, text))
    return;
  simdjson::dom::element e;
  if (ctx->json.parse(text).get(e))
    return;
  std::string_view p(path);
  if (!p.starts_with('$'))
    return;
  p.remove_prefix(1);
  while (!p.empty()) {
    if (p[0] == '.') {
      p.remove_prefix(1);
      const size_t end = p.find_first_of(".[");
      const std::string_view key = p.substr(0, end);
      if (key.empty() || e.at_key(key).get(e))
        return;
      p = end == std::string_view::npos ? std::string_view() : p.substr(end);
    } else if (p[0] == '[') {
      const size_t close = p.find(']');
      if (close == std::string_view::npos)
        return;
      std::string_view inside = p.substr(1, close - 1);
      p.remove_prefix(close + 1);
      if (inside.size() >= 2 && (inside[0] == '\'' || inside[0] == '"') && inside.back() == inside[0]) {
        if (e.at_key(inside.substr(1, inside.size() - 2)).get(e))
          return;
      } else {
        size_t index;
        const auto [ptr, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), index);
        if (ec != std::errc() || ptr != inside.data() + inside.size() || e.at(index).get(e))
          return;
      }
    } else {
      return;
    }
  }
  std::string_view s;
  if (!e.get_string().get(s))
    *out = kqlvalue::string(ctx, s);
  else if (!e.is_null())
    *out = kqlvalue::string(ctx, simdjson::minify(e));
}

constexpr Function kTable[] = {
    {"parse_url", 1, 1, parseUrl},
    {"parseurl", 1, 1, parseUrl},
    {"parse_urlquery", 1, 1, parseUrlQuery},
    {"parse_path", 1, 1, parsePath},
    {"parse_csv", 1, 1, parseCsv},
    {"parse_command_line", 2, 2, parseCommandLine},
    {"parse_xml", 1, 1, parseXml},
    {"extract_json", 2, 2, extractJson},
    {"extractjson", 2, 2, extractJson},
};

} // namespace

extern const Family kParsingFunctions{kTable};

} // namespace rulec::functions
