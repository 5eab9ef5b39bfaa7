//===- Correlator.cpp -----------------------------------------------------===//
#include "state/Correlator.h"

#include <algorithm>

namespace rulec {

namespace {
using Type = CorrelationSpec::Type;

void appendRefs(std::vector<std::string> &out, const std::vector<std::string> &refs) {
  for (const std::string &r : refs) {
    if (out.size() >= Correlator::kMaxEventRefs)
      return;
    out.push_back(r);
  }
}
} // namespace

Correlator::Correlator(const PackInfo &pack, Sink sink) : pack_(pack), sink_(std::move(sink)) {}

uint64_t Correlator::count(const CorrelationSpec &spec, const Group &g) const {
  switch (spec.type) {
  case Type::EventCount:
    return spec.boundedAbove() ? g.eventCount : g.events.size();
  case Type::ValueCount:
  case Type::Temporal:
    return g.latest.size();
  case Type::TemporalOrdered:
    for (size_t k = g.chains.size(); k > 0; --k)
      if (g.chains[k - 1])
        return k; // the longest chain in order
    return 0;
  }
  return 0;
}

/// Drops what is older than the sliding window ending at `now`.
void Correlator::expire(const CorrelationSpec &spec, Group &g, int64_t now) const {
  const int64_t cutoff = now - spec.timespanNanos;
  while (!g.events.empty() && g.events.front().time < cutoff)
    g.events.pop_front();
  for (auto it = g.latest.begin(); it != g.latest.end();)
    it = it->second.time < cutoff ? g.latest.erase(it) : std::next(it);
  for (auto &chain : g.chains)
    if (chain && chain->start < cutoff)
      chain.reset();
}

void Correlator::setDeadline(const Key &key, Group &g, int64_t deadline) {
  if (g.deadline == deadline)
    return;
  deadlines_.erase({g.deadline, key.first, key.second});
  g.deadline = deadline;
  deadlines_.insert({deadline, key.first, key.second});
}

void Correlator::add(const CorrelationFeed &feed, const std::vector<std::optional<std::string>> &group,
                     const std::optional<std::string> &value, int64_t time,
                     const std::vector<std::string> &eventRefs, std::optional<int64_t> firstTime) {
  const CorrelationSpec &spec = pack_.correlations[feed.correlation];
  std::vector<std::string> values;
  std::string key; // JSON texts never hold a raw 0x1f: it separates them
  for (const auto &v : group) {
    if (!v) {
      ++ungrouped_;
      return;
    }
    values.push_back(*v);
    key += *v;
    key += '\x1f';
  }
  if (spec.type == Type::ValueCount && !value)
    return; // no value to count

  const bool anchored = spec.boundedAbove();
  const int64_t span = spec.timespanNanos;
  const Key k{feed.correlation, key};
  auto it = groups_.find(k);
  if (it != groups_.end() && anchored && time > it->second.first + span) {
    close(it); // this input is past the window: judge it, then open a new one
    it = groups_.end();
  }
  if (it == groups_.end() && maxGroups_ && groups_.size() >= maxGroups_ && !deadlines_.empty()) {
    const Deadline &d = *deadlines_.begin();
    close(groups_.find({std::get<1>(d), std::get<2>(d)}));
    ++evictions_;
  }
  if (it == groups_.end()) {
    it = groups_.emplace(k, Group{}).first;
    it->second.values = std::move(values);
    if (spec.type == Type::TemporalOrdered)
      it->second.chains.resize(spec.inputs.size());
  }
  Group &g = it->second;
  // A late input counts at the group's newest time: windows never go back.
  const int64_t t = std::max(time, g.newest);
  g.first = std::min(g.first, t);
  g.newest = t;
  const int64_t earliest = std::min(firstTime.value_or(time), t);
  g.earliest = std::min(g.earliest, earliest);
  if (!anchored)
    expire(spec, g, t);

  switch (spec.type) {
  case Type::EventCount:
    if (anchored) {
      ++g.eventCount;
      appendRefs(g.refs, eventRefs);
    } else {
      g.events.push_back({t, earliest, eventRefs});
    }
    break;
  case Type::ValueCount:
    g.latest[*value] = {t, earliest, eventRefs};
    break;
  case Type::Temporal:
    g.latest[std::to_string(feed.input)] = {t, earliest, eventRefs};
    break;
  case Type::TemporalOrdered: {
    const uint32_t i = feed.input;
    if (i == 0) {
      g.chains[0] = Chain{t, earliest, eventRefs};
    } else if (g.chains[i - 1]) {
      Chain c = *g.chains[i - 1];
      c.earliest = std::min(c.earliest, earliest);
      appendRefs(c.refs, eventRefs);
      if (!g.chains[i] || c.start >= g.chains[i]->start)
        g.chains[i] = std::move(c); // the latest start leaves the most time for the rest
    }
    break;
  }
  }

  if (anchored) {
    setDeadline(k, g, g.first + span);
    return;
  }
  const uint64_t n = count(spec, g);
  if (!spec.holds(static_cast<int64_t>(n))) {
    setDeadline(k, g, t + span);
    return;
  }
  Group done = std::move(g);
  deadlines_.erase({done.deadline, k.first, k.second});
  groups_.erase(it);
  fire(feed.correlation, done, n);
}

void Correlator::fire(uint32_t correlation, const Group &g, uint64_t n) {
  const CorrelationSpec &spec = pack_.correlations[correlation];
  CorrelationAlert alert;
  alert.correlation = correlation;
  alert.group = g.values;
  alert.count = n;
  alert.firstEventTime = g.earliest;
  alert.lastEventTime = g.newest;
  if (spec.type == Type::EventCount && !spec.boundedAbove()) {
    alert.firstEventTime = INT64_MAX;
    for (const Seen &s : g.events) {
      alert.firstEventTime = std::min(alert.firstEventTime, s.earliest);
      appendRefs(alert.eventRefs, s.refs);
    }
  } else if (spec.type == Type::EventCount) {
    alert.eventRefs = g.refs;
  } else if (spec.type == Type::TemporalOrdered) {
    alert.firstEventTime = g.chains.back()->earliest;
    alert.eventRefs = g.chains.back()->refs;
  } else {
    // What is left of the window: sliding windows have dropped older inputs.
    std::vector<const Seen *> seen;
    for (const auto &[_, s] : g.latest)
      seen.push_back(&s);
    std::stable_sort(seen.begin(), seen.end(), [](const Seen *a, const Seen *b) { return a->time < b->time; });
    alert.firstEventTime = INT64_MAX;
    for (const Seen *s : seen) {
      alert.firstEventTime = std::min(alert.firstEventTime, s->earliest);
      appendRefs(alert.eventRefs, s->refs);
    }
  }
  if (spec.emit)
    sink_(alert);
  for (const CorrelationFeed &feed : spec.feeds) {
    const CorrelationSpec::Input &input = pack_.correlations[feed.correlation].inputs[feed.input];
    std::vector<std::optional<std::string>> group;
    for (uint32_t index : input.groupBy)
      group.push_back(alert.group[index]);
    std::optional<std::string> value;
    if (input.valueField >= 0)
      value = alert.group[static_cast<size_t>(input.valueField)];
    add(feed, group, value, alert.lastEventTime, alert.eventRefs, alert.firstEventTime);
  }
}

void Correlator::close(std::map<Key, Group>::iterator it) {
  const CorrelationSpec &spec = pack_.correlations[it->first.first];
  const uint32_t correlation = it->first.first;
  Group g = std::move(it->second);
  deadlines_.erase({g.deadline, it->first.first, it->first.second});
  groups_.erase(it);
  if (!spec.boundedAbove())
    return; // sliding: every input aged out without the condition holding
  const uint64_t n = count(spec, g);
  if (spec.holds(static_cast<int64_t>(n)))
    fire(correlation, g, n);
}

void Correlator::advance(int64_t time) {
  watermark_ = std::max(watermark_, time);
  while (!deadlines_.empty() && std::get<0>(*deadlines_.begin()) < watermark_ - lateness_) {
    const Deadline &d = *deadlines_.begin();
    close(groups_.find({std::get<1>(d), std::get<2>(d)}));
  }
}

namespace {
void writeSeen(bytes::Writer &w, int64_t time, int64_t earliest, const std::vector<std::string> &refs) {
  w.i64(time);
  w.i64(earliest);
  w.vec(refs);
}
} // namespace

void Correlator::save(bytes::Writer &w) const {
  w.i64(watermark_);
  w.u64(ungrouped_);
  w.u64(evictions_);
  w.u32(static_cast<uint32_t>(groups_.size()));
  for (const auto &[key, g] : groups_) {
    w.u32(key.first);
    w.str(key.second);
    w.vec(g.values);
    w.i64(g.first);
    w.i64(g.newest);
    w.i64(g.earliest);
    w.i64(g.deadline);
    w.vec(std::vector<Seen>(g.events.begin(), g.events.end()),
          [](bytes::Writer &w, const Seen &s) { writeSeen(w, s.time, s.earliest, s.refs); });
    w.u64(g.eventCount);
    w.vec(g.refs);
    w.u32(static_cast<uint32_t>(g.latest.size()));
    for (const auto &[value, s] : g.latest) {
      w.str(value);
      writeSeen(w, s.time, s.earliest, s.refs);
    }
    w.vec(g.chains, [](bytes::Writer &w, const std::optional<Chain> &c) {
      w.boolean(c.has_value());
      if (c)
        writeSeen(w, c->start, c->earliest, c->refs);
    });
  }
}

void Correlator::load(bytes::Reader &r) {
  groups_.clear();
  deadlines_.clear();
  r.i64(watermark_, "watermark");
  r.u64(ungrouped_, "ungrouped");
  r.u64(evictions_, "evictions");
  auto readSeen = [](bytes::Reader &r, int64_t &time, int64_t &earliest, std::vector<std::string> &refs) {
    r.i64(time, "time");
    r.i64(earliest, "earliest");
    r.vec(refs, "refs");
  };
  std::vector<std::pair<Key, Group>> groups;
  r.vec(groups, "groups", [&](bytes::Reader &r, std::pair<Key, Group> &kg) {
    auto &[key, g] = kg;
    r.u32(key.first, "correlation");
    if (r.ok() && key.first >= pack_.correlations.size())
      r.fail("names correlation " + std::to_string(key.first) + ", which this pack lacks", r.offset(), "correlation");
    r.str(key.second, "key");
    r.vec(g.values, "values");
    r.i64(g.first, "first");
    r.i64(g.newest, "newest");
    r.i64(g.earliest, "earliest");
    r.i64(g.deadline, "deadline");
    std::vector<Seen> events;
    r.vec(events, "events", [&](bytes::Reader &r, Seen &s) { readSeen(r, s.time, s.earliest, s.refs); });
    g.events.assign(events.begin(), events.end());
    r.u64(g.eventCount, "eventCount");
    r.vec(g.refs, "refs");
    std::vector<std::pair<std::string, Seen>> latest;
    r.vec(latest, "latest", [&](bytes::Reader &r, std::pair<std::string, Seen> &vs) {
      r.str(vs.first, "value");
      readSeen(r, vs.second.time, vs.second.earliest, vs.second.refs);
    });
    g.latest.insert(latest.begin(), latest.end());
    r.vec(g.chains, "chains", [&](bytes::Reader &r, std::optional<Chain> &c) {
      bool present = false;
      r.boolean(present, "present");
      if (present) {
        c.emplace();
        readSeen(r, c->start, c->earliest, c->refs);
      }
    });
    if (r.ok() && (g.values.size() != pack_.correlations[key.first].groupBy.size() ||
                   (!g.chains.empty() && g.chains.size() != pack_.correlations[key.first].inputs.size())))
      r.fail("does not fit its correlation", r.offset(), "group");
  });
  for (auto &[key, g] : groups) {
    deadlines_.insert({g.deadline, key.first, key.second});
    groups_.emplace(key, std::move(g));
  }
}

void Correlator::flush() {
  while (!deadlines_.empty()) {
    const Deadline &d = *deadlines_.begin();
    close(groups_.find({std::get<1>(d), std::get<2>(d)}));
  }
}

} // namespace rulec
