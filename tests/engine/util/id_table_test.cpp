#include "engine/util/id_table.hpp"

#include <gtest/gtest.h>

#include <string>

namespace l2tp {
namespace L2TPSIM_FILE_ID {

std::unique_ptr<std::string> item(std::uint16_t id) {
  return std::make_unique<std::string>("item " + std::to_string(id));
}

TEST(IdTable, FindsWhatWasInsertedAndNothingElse) {
  IdTable<std::string> t;
  for (std::uint16_t id : {7, 65535, 1, 300}) t.insert(id, item(id));
  EXPECT_EQ(t.size(), 4u);
  for (std::uint16_t id : {7, 65535, 1, 300}) {
    ASSERT_NE(t.find(id), nullptr);
    EXPECT_EQ(*t.find(id), "item " + std::to_string(id));
  }
  EXPECT_EQ(t.find(2), nullptr);
  EXPECT_FALSE(t.contains(0));
}

// Erasing moves the last item into the hole: the index follows, and a reference to any other
// item stays valid (a session's step may close another while the caller holds it).
TEST(IdTable, ErasingKeepsTheOthersAndTheirAddresses) {
  IdTable<std::string> t;
  for (std::uint16_t id = 1; id <= 100; ++id) t.insert(id, item(id));
  std::string& last = *t.find(100);
  for (std::uint16_t id = 1; id <= 99; id += 2) t.erase(id);
  t.erase(1000);  // absent: nothing happens
  EXPECT_EQ(t.size(), 50u);
  EXPECT_EQ(&last, t.find(100));
  for (std::uint16_t id = 1; id <= 100; ++id) {
    if (id % 2) {
      EXPECT_EQ(t.find(id), nullptr) << id;
    } else {
      ASSERT_NE(t.find(id), nullptr) << id;
      EXPECT_EQ(*t.find(id), "item " + std::to_string(id));
    }
  }
  t.insert(1, item(1));  // an ID used again
  EXPECT_EQ(*t.find(1), "item 1");
  t.clear();
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.find(2), nullptr);
}

// Walks go in ascending ID order whatever the insertion order; one erased meanwhile is skipped.
TEST(IdTable, WalksInIdOrderAndSkipsWhatWasErasedMeanwhile) {
  IdTable<std::string> t;
  for (std::uint16_t id : {40, 10, 30, 20, 50}) t.insert(id, item(id));
  std::vector<std::uint16_t> seen;
  t.for_each_by_id([&](std::uint16_t id, std::string& s) {
    seen.push_back(id);
    EXPECT_EQ(s, "item " + std::to_string(id));
    if (id == 20) t.erase(40);
  });
  EXPECT_EQ(seen, (std::vector<std::uint16_t>{10, 20, 30, 50}));
  EXPECT_EQ(t.sorted_ids(), (std::vector<std::uint16_t>{10, 20, 30, 50}));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
