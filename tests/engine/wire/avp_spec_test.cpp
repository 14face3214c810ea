// Meta-test: the AVP table in code agrees with reference/rfc2661_avps.tsv on which types
// exist, their M bit and whether they may be hidden.
#include "engine/wire/avp_spec.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace l2tp {
namespace L2TPSIM_FILE_ID {

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string c;
  std::istringstream in(line);
  while (std::getline(in, c, '\t')) out.push_back(c);
  return out;
}

TEST(AvpSpecTable, MatchesTheReferenceCatalogue) {
  std::ifstream in(std::string(L2TPSIM_SOURCE_DIR) + "/reference/rfc2661_avps.tsv");
  ASSERT_TRUE(in) << "reference/rfc2661_avps.tsv missing";
  std::string line;
  std::getline(in, line);
  int rows = 0;
  while (std::getline(in, line)) {
    const auto c = cells(line);
    if (c.size() < 7 || c[0] != "avp") continue;
    const int type = std::stoi(c[1]);
    const AvpSpec* spec = find_avp_spec(0, static_cast<std::uint16_t>(type));
    if (c[2].find("not defined") != std::string::npos) {
      EXPECT_EQ(spec, nullptr) << type;
      continue;
    }
    ASSERT_NE(spec, nullptr) << "type " << type << " (" << c[2] << ") missing from the table";
    ++rows;
    EXPECT_EQ(spec->mandatory, c[4].rfind("1", 0) == 0) << c[2];
    EXPECT_EQ(spec->may_hide, c[5].rfind("yes", 0) == 0) << c[2];
  }
  EXPECT_EQ(rows, static_cast<int>(all_avp_specs().size()));
}

TEST(RuleCatalogue, GeneratedFromBothTables) {
  EXPECT_EQ(to_string(Rule::R001), "R001");
  EXPECT_EQ(rule_info(Rule::R024).section, "4.1");
  EXPECT_EQ(rule_info(Rule::P120).id, "P120");
  EXPECT_GT(kRuleCount, 400u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
