#include "app/file_command_line.hpp"

#include <iostream>

namespace l2tpsim::app {

namespace po = boost::program_options;

std::optional<int> parse_file_command(const char* command, const po::options_description& opts, int argc,
                                      char** argv, std::string& file, po::variables_map& vm) {
  po::options_description hidden;
  hidden.add_options()("file", po::value(&file));
  po::positional_options_description pos;
  pos.add("file", 1);
  po::options_description all;
  all.add(opts).add(hidden);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "l2tpsim " << command << ": " << e.what() << "\n\n" << opts << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (file.empty()) {
    std::cerr << "l2tpsim " << command << ": no capture file given\n\n" << opts << "\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace l2tpsim::app
