//===- Alerter.cpp --------------------------------------------------------===//
#include "state/Alerter.h"

#include "events/EventTime.h"

#include <algorithm>

namespace rulec {

Alerter::Alerter(const PackInfo &pack, Sink sink) : pack_(pack), sink_(std::move(sink)) {}

void Alerter::close(std::map<Key, Window>::iterator it) {
  Window &w = it->second;
  byEnd_.erase({w.end, w.start, it->first.first, it->first.second});
  if (w.alert.count >= pack_.rules[w.alert.rule].threshold)
    sink_(w.alert);
  windows_.erase(it);
}

void Alerter::advance(int64_t eventTime) {
  watermark_ = std::max(watermark_, eventTime);
  while (!byEnd_.empty() && std::get<0>(*byEnd_.begin()) < watermark_ - lateness_) {
    const CloseKey &k = *byEnd_.begin();
    close(windows_.find({std::get<2>(k), std::get<3>(k)}));
  }
}

void Alerter::onMatch(uint32_t rule, const std::string &dedup, int64_t eventTime,
                      const std::string &eventRef, const Describe &describe) {
  advance(eventTime); // closes this key's window too if eventTime is past its end
  Key key{rule, dedup};
  auto it = windows_.find(key);
  if (it == windows_.end() && maxWindows_ && windows_.size() >= maxWindows_) {
    const CloseKey &k = *byEnd_.begin();
    close(windows_.find({std::get<2>(k), std::get<3>(k)}));
    ++evictions_;
  }
  if (it == windows_.end()) {
    Window w;
    w.start = eventTime;
    w.end = eventTime + int64_t(pack_.rules[rule].dedupPeriodMinutes) * kNanosPerMinute;
    w.alert.rule = rule;
    w.alert.dedup = dedup;
    describe(w.alert);
    w.alert.firstEventTime = w.alert.lastEventTime = eventTime;
    byEnd_.insert({w.end, w.start, rule, dedup});
    it = windows_.emplace(key, std::move(w)).first;
  }
  Alert &a = it->second.alert;
  ++a.count;
  a.firstEventTime = std::min(a.firstEventTime, eventTime);
  a.lastEventTime = std::max(a.lastEventTime, eventTime);
  if (a.eventRefs.size() < kMaxEventRefs)
    a.eventRefs.push_back(eventRef);
}

void Alerter::save(bytes::Writer &w) const {
  w.i64(watermark_);
  w.u64(evictions_);
  w.u32(static_cast<uint32_t>(windows_.size()));
  for (const auto &[key, win] : windows_) {
    const Alert &a = win.alert;
    w.u32(a.rule);
    w.str(a.dedup);
    w.str(a.title);
    w.str(a.severity);
    w.str(a.contextJson);
    w.u64(a.count);
    w.i64(a.firstEventTime);
    w.i64(a.lastEventTime);
    w.vec(a.eventRefs);
    w.i64(win.start);
    w.i64(win.end);
  }
}

void Alerter::load(bytes::Reader &r) {
  windows_.clear();
  byEnd_.clear();
  r.i64(watermark_, "watermark");
  r.u64(evictions_, "evictions");
  std::vector<Window> windows;
  r.vec(windows, "windows", [&](bytes::Reader &r, Window &win) {
    Alert &a = win.alert;
    r.u32(a.rule, "rule");
    if (r.ok() && a.rule >= pack_.rules.size())
      r.fail("names rule " + std::to_string(a.rule) + ", which this pack lacks", r.offset(), "rule");
    r.str(a.dedup, "dedup");
    r.str(a.title, "title");
    r.str(a.severity, "severity");
    r.str(a.contextJson, "context");
    r.u64(a.count, "count");
    r.i64(a.firstEventTime, "firstEventTime");
    r.i64(a.lastEventTime, "lastEventTime");
    r.vec(a.eventRefs, "eventRefs");
    r.i64(win.start, "start");
    r.i64(win.end, "end");
  });
  for (Window &win : windows) {
    byEnd_.insert({win.end, win.start, win.alert.rule, win.alert.dedup});
    Key key{win.alert.rule, win.alert.dedup};
    windows_.emplace(std::move(key), std::move(win));
  }
}

void Alerter::flush() {
  while (!byEnd_.empty()) {
    const CloseKey &k = *byEnd_.begin();
    close(windows_.find({std::get<2>(k), std::get<3>(k)}));
  }
}

} // namespace rulec
