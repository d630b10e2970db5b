#include "engine/sync/quiet_probe.h"

#include <fmt/format.h>

#include "connectors/salesforce/http/composite.h"
#include "connectors/salesforce/read/query_page_parser.h"
#include "engine/core/log.h"
#include "engine/core/time_format.h"
#include "engine/sync/object_sync.h"
#include "engine/sync/query_builder.h"

namespace sfsync::sync {
namespace {

using salesforce::SubRequest;
using salesforce::SubResponse;

struct Planned {
  size_t candidate;
  size_t first;  // index of its first subrequest
  size_t describes;
  bool deletes;
};

// Fills checks[p.candidate] from the answers to its subrequests.
void Read(const ProbeCandidate& c, const Planned& p, const std::vector<SubResponse>& answers, QuietCheck* check) {
  check->describes_unchanged = true;
  for (size_t d = 0; d < p.describes; ++d) check->describes_unchanged &= answers[p.first + d].status == 304;
  const SubResponse& probe = answers[p.first + p.describes];
  bool no_rows = false;
  if (probe.status == 200) {
    StatusOr<std::unique_ptr<salesforce::QueryPageParser>> parser = salesforce::QueryPageParser::Create({"Id"});
    salesforce::ParsedPage page;
    no_rows = parser.ok() && (*parser)->Parse(probe.body, &page).ok() && page.rows.rows() == 0;
  } else {
    SFSYNC_LOG(kInfo, "{}: the quiet check's query was refused ({}); reading as usual", c.plan.object,
               salesforce::SubResponseError(probe).message());
  }
  check->quiet = check->describes_unchanged && no_rows;
  if (p.deletes) {
    const SubResponse& deleted = answers[p.first + p.describes + 1];
    if (deleted.status == 200) {
      StatusOr<salesforce::DeletedResult> parsed = salesforce::ParseDeleted(c.plan.object, deleted.body);
      if (parsed.ok()) {
        check->has_deletes = true;
        check->deleted = std::move(*parsed);
      }
    }
  }
}

}  // namespace

StatusOr<int64_t> DeletesWindowStart(const store::SyncState& state) {
  return ParseDateTime(state.deletes_checked_until.empty() ? state.watermark.ts : state.deletes_checked_until);
}

StatusOr<std::vector<QuietCheck>> ProbeQuiet(salesforce::RestClient* client, int64_t now_millis,
                                             const std::vector<ProbeCandidate>& candidates) {
  std::vector<QuietCheck> checks(candidates.size());
  std::vector<SubRequest> batch;
  std::vector<Planned> planned;
  size_t queries = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    StatusOr<std::vector<SubResponse>> answers = salesforce::CallComposite(client, batch);
    if (answers.ok()) {
      for (const Planned& p : planned) Read(candidates[p.candidate], p, *answers, &checks[p.candidate]);
    } else if (StopsRun(answers.status())) {
      return answers.status();
    } else {
      SFSYNC_LOG(kInfo, "the quiet check was refused ({}); the objects read as usual", answers.status().message());
    }
    batch.clear();
    planned.clear();
    queries = 0;
    return Status::Ok();
  };
  for (size_t i = 0; i < candidates.size(); ++i) {
    const ProbeCandidate& c = candidates[i];
    QuietCheck& check = checks[i];
    check.watermark = c.state.watermark;
    check.parent_watermarks = c.state.parent_watermarks;
    const StatusOr<int64_t> window_start = DeletesWindowStart(c.state);
    const int64_t start = window_start.ok() ? *window_start : 0;
    StatusOr<std::string> deleted_path = salesforce::GetDeletedPath(*client, c.plan.object, start, now_millis);
    const bool deletes = c.plan.replicateable && c.plan.deletes != "ignore" && start > 0 &&
                         now_millis - start >= kMinDeletesWindowMillis && deleted_path.ok();
    const size_t needed = c.describes.size() + 1 + (deletes ? 1 : 0);
    if (needed > salesforce::kCompositeMaxSubrequests) continue;  // too many parents to check in one call
    if (batch.size() + needed > salesforce::kCompositeMaxSubrequests || queries + 1 > salesforce::kCompositeMaxQueries) {
      SFSYNC_RETURN_IF_ERROR(flush());
    }
    Planned p{i, batch.size(), c.describes.size(), deletes};
    for (const auto& [object, modified] : c.describes) {
      batch.push_back({"GET", client->DataPath() + "/sobjects/" + object + "/describe",
                       fmt::format("d{}_{}", i, batch.size()), {{"If-Modified-Since", FormatHttpDate(modified)}}});
    }
    batch.push_back({"GET",
                     client->DataPath() + (c.plan.query_all ? "/queryAll?q=" : "/query?q=") +
                         salesforce::UrlEncode(BuildQuietProbeQuery(c.plan, c.state)),
                     fmt::format("q{}", i),
                     {}});
    ++queries;
    if (p.deletes) {
      batch.push_back({"GET", *deleted_path, fmt::format("x{}", i), {}});
      check.deletes_start = start;
      check.deletes_end = now_millis;
    }
    planned.push_back(p);
  }
  SFSYNC_RETURN_IF_ERROR(flush());
  return checks;
}

}  // namespace sfsync::sync
