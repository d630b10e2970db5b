// Composite graph (v50+): POST /services/data/vXX.X/composite/graph
//
//   {"graphs":[{"graphId":"1","compositeRequest":[
//       {"method":"POST","url":"/services/data/v60.0/sobjects/Account","referenceId":"refAcc",
//        "body":{"Name":"Acme"}},
//       {"method":"POST","url":"/services/data/v60.0/sobjects/Contact","referenceId":"refCon",
//        "body":{"LastName":"Doe","AccountId":"@{refAcc.id}"}}]}]}
//   -> 200 {"graphs":[{"graphId":"1","graphResponse":{"compositeResponse":[
//        {"body":{"id","success":true,"errors":[]},"httpHeaders":{"Location":...},
//         "httpStatusCode":201,"referenceId":"refAcc"}, ...]},"isSuccessful":true}]}
//   (composite_graph_response.json)
//
// Nodes are sObject rows requests: POST {Object}, PATCH/DELETE {Object}/{Id}, PATCH
// {Object}/{Field}/{Value} (upsert; ?updateOnly=true), with the answers and checks of the
// single-record API (sobject_rows.h, record_saver.h, the admin's validation rules). `@{ref.key}`
// in a node's url or body string values is replaced by `key` of an earlier node's answer body
// (nested keys with dots, array items with [n]). Each graph is one transaction, all or nothing:
// when a node fails, its entry carries its own error and every other node of the graph
// (before and after) is 400 [{"errorCode":"PROCESSING_HALTED","message":...}]; graphs are
// independent of each other. Nodes run in request order (a reference must point back).
//
// Request-level 400 (REST error array): bad JSON, no graphs, a graph without graphId or
// compositeRequest, a node without method, url or referenceId, a repeated graphId or
// referenceId, more than `max_nodes` nodes in a graph. Every node is logged in the write log
// (its own method and url, its final status). Thread-safe.
#ifndef SFSYNC_TESTS_EMULATOR_API_COMPOSITE_GRAPH_H_
#define SFSYNC_TESTS_EMULATOR_API_COMPOSITE_GRAPH_H_

#include <cstddef>

#include "tests/emulator/api/org.h"
#include "tests/emulator/api/router.h"
#include "tests/emulator/clock.h"

namespace sfsync::emulator {

struct GraphLimits {
  size_t max_nodes = 500;  // per graph ⚠ (README)
};

// `org` and `clock` must outlive the router.
void AddCompositeGraphRoutes(Router* router, Org* org, const EmulatorClock* clock, GraphLimits limits = {});

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_API_COMPOSITE_GRAPH_H_
