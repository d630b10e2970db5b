// SOQL for the three ways sfsync reads an object. Literals go through SoqlString/ISO datetimes, so a
// watermark Id can never change a query's meaning.
//
//  Load (initial load and full mode), in Id order so rows reach SQLite in key order:
//    SELECT ... FROM X [WHERE (where) AND] Id > 'after' ORDER BY Id ASC
//  Bulk load (load_cursor.h), unordered: Bulk API 2.0 returns rows in no order anyway, and ORDER BY
//  would disable its PK chunking (protocol §7.1):
//    SELECT ... FROM X [WHERE (where) AND] Id > 'after'
//  Count of the rows a load would read (to choose between REST and Bulk):
//    SELECT COUNT() FROM X [WHERE (where) AND] Id > 'after'
//  Incremental, keyset-ordered so equal timestamps never lose or repeat rows across pages or runs:
//    SELECT ... FROM X WHERE [(where) AND] (C > ts OR (C = ts AND Id > 'id')) ORDER BY C ASC, Id ASC
//  Audit (audit.h): live rows per CreatedDate month, then the rows (or Ids) of a month or of a list
//  of Ids:
//    SELECT CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM X [WHERE (where)]
//      GROUP BY CALENDAR_YEAR(CreatedDate), CALENDAR_MONTH(CreatedDate)
//    SELECT ... FROM X WHERE [(where) AND] condition ORDER BY Id ASC
#pragma once

#include <string>

#include "engine/store/store.h"
#include "engine/sync/planner.h"

namespace sfsync::sync {

// Every row in Id order; `after_id` empty = from the start; `slice` (load_slices.h SliceCondition)
// empty = every slice.
std::string BuildLoadQuery(const ObjectPlan& plan, const std::string& after_id, const std::string& slice = "");

// The load query without ORDER BY, for Bulk API 2.0. `after_id` empty = from the start.
std::string BuildBulkLoadQuery(const ObjectPlan& plan, const std::string& after_id);

// SELECT COUNT() over the rows BuildLoadQuery(plan, after_id) reads.
std::string BuildCountQuery(const ObjectPlan& plan, const std::string& after_id);

// Live rows per UTC month of CreatedDate, as expr0 (year), expr1 (month), expr2 (rows).
std::string BuildMonthCountQuery(const ObjectPlan& plan);

// The rows matching `condition` (empty: all of them) and the job's where, in Id order: every
// column the job syncs, or only Id when `ids_only`.
std::string BuildAuditQuery(const ObjectPlan& plan, bool ids_only, const std::string& condition);

// REQUIRES: plan.incremental and !watermark.empty()
// One row (Id only) that the incremental read or a parent refresh of `state` would read, if any:
// the check that lets a run with no changes skip both (quiet_probe.h). Parent watermarks not yet
// set start at the row watermark's instant, as RunParentRefresh does.
std::string BuildQuietProbeQuery(const ObjectPlan& plan, const store::SyncState& state);

std::string BuildIncrementalQuery(const ObjectPlan& plan, const store::Watermark& watermark);

// REQUIRES: plan.incremental and !state.watermark.empty()
// SELECT COUNT() of the rows the incremental read and the parent refreshes of `state` would read
// (the quiet probe's condition), for `sfsync plan`.
std::string BuildIncrementalCountQuery(const ObjectPlan& plan, const store::SyncState& state);

// Rows whose parent changed after `watermark` (parent stamp, row Id), keyset-ordered the same way,
// with the parent's stamp selected last (read for the watermark, not stored) unless the job selects it
// already (ParentStampColumn; a field is never selected twice):
//   SELECT ..., P.F FROM X WHERE [(where) AND] (P.F > ts OR (P.F = ts AND Id > 'id')) ORDER BY P.F ASC, Id ASC
std::string BuildParentRefreshQuery(const ObjectPlan& plan, const ObjectPlan::ParentCursor& parent,
                                    const store::Watermark& watermark);

// The index in plan.select of the parent's stamp ("Account.SystemModstamp", any case), or -1 when
// the job does not select it.
int ParentStampColumn(const ObjectPlan& plan, const ObjectPlan::ParentCursor& parent);

}  // namespace sfsync::sync
