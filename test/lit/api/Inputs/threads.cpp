// Four engines on four threads share one pack (read-only); each feeds the
// same events and must print exactly what one engine alone prints. Uses only
// the installed C++ wrapper (rulec/rulec.hpp).
#include <rulec/rulec.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

int main(int argc, char **argv) {
  if (argc != 4) {
    std::cerr << "usage: threads PACK.so EVENTS LOG_TYPE\n";
    return 2;
  }
  try {
    const rulec::Pack pack = rulec::Pack::open(argv[1]);
    std::ifstream in(argv[2]);
    std::stringstream events;
    events << in.rdbuf();
    rulec_engine_options options{};
    options.default_log_type = argv[3];
    auto runOnce = [&](std::string &out) {
      rulec::Engine engine(pack, [&](int, std::string_view json) { (out += json) += '\n'; }, &options);
      engine.feedLines(events.str());
      engine.flush();
    };
    std::string alone;
    runOnce(alone);
    std::string outs[4];
    std::thread threads[4];
    for (int i = 0; i < 4; ++i)
      threads[i] = std::thread([&, i] {
        for (int k = 0; k < 20; ++k) {
          std::string out;
          runOnce(out);
          if (k == 0)
            outs[i] = out;
          else if (out != outs[i])
            outs[i] = "DIFFERS";
        }
      });
    for (auto &t : threads)
      t.join();
    for (const std::string &o : outs)
      if (o != alone) {
        std::cerr << "a thread's output differs\n";
        return 1;
      }
    std::cout << alone << "threads: 4 engines agree, " << pack.ruleCount() << " rules\n";
    // Errors are exceptions on the C++ side.
    try {
      rulec::Pack::open("no-such-pack.so");
    } catch (const rulec::Error &e) {
      std::cout << "error " << e.code() << ": " << e.what() << "\n";
    }
  } catch (const rulec::Error &e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
