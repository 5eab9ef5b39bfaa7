//===- Alerter.cpp --------------------------------------------------------===//
#include "Alerter.h"

#include "EventTime.h"

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
  while (!byEnd_.empty() && std::get<0>(*byEnd_.begin()) < watermark_) {
    const CloseKey &k = *byEnd_.begin();
    close(windows_.find({std::get<2>(k), std::get<3>(k)}));
  }
}

void Alerter::onMatch(uint32_t rule, const std::string &dedup, int64_t eventTime,
                      const std::string &eventRef, const Describe &describe) {
  advance(eventTime); // closes this key's window too if eventTime is past its end
  Key key{rule, dedup};
  auto it = windows_.find(key);
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

void Alerter::flush() {
  while (!byEnd_.empty()) {
    const CloseKey &k = *byEnd_.begin();
    close(windows_.find({std::get<2>(k), std::get<3>(k)}));
  }
}

} // namespace rulec
