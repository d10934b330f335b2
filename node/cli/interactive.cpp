#include "interactive.hpp"

#include <string>

namespace zonal::cli {
namespace {

bool ask(std::istream& in, std::ostream& out, const std::string& prompt, std::string& answer) {
  out << prompt << std::flush;
  return static_cast<bool>(std::getline(in, answer));
}

}  // namespace

int run_interactive(const Target& t, std::istream& in, std::ostream& out) {
  for (;;) {
    out << "\nzonal @ " << t.node
        << "\n  1) status   2) peers   3) zones   4) my files\n  5) search   6) get (download)   7) share a file   8) upload into "
           "the network\n  q) quit\n";
    std::string choice;
    if (!ask(in, out, "> ", choice) || choice == "q" || choice == "quit") return 0;
    std::string arg;
    if (choice == "1") cmd_status(t, out);
    else if (choice == "2") cmd_peers(t, out);
    else if (choice == "3") cmd_zones(t, out);
    else if (choice == "4") cmd_files(t, out);
    else if (choice == "5" && ask(in, out, "file name: ", arg)) cmd_search(t, arg, "", 0, out);
    else if (choice == "6" && ask(in, out, "file name: ", arg)) cmd_get(t, arg, "", out);
    else if (choice == "7" && ask(in, out, "path (or name already in the shared directory): ", arg)) cmd_share(t, arg, out);
    else if (choice == "8" && ask(in, out, "shared file name: ", arg)) cmd_upload(t, arg, out);
    else out << "unknown choice \"" << choice << "\"\n";
  }
}

}  // namespace zonal::cli
