// Admin endpoints of fault injection (README "Faults"):
//
//   GET    /__emulator/faults   200 {"seed":N,"faults":[{"spec","kind","matched","fired"}]}
//   POST   /__emulator/faults   {"spec":"KIND:..."} or {"specs":["...", ...]} -> 201 (the listing);
//                               400 {"message"} naming a bad spec (then nothing is added)
//   DELETE /__emulator/faults   204: every rule is removed
#ifndef SFSYNC_TESTS_EMULATOR_FAULTS_FAULT_ADMIN_H_
#define SFSYNC_TESTS_EMULATOR_FAULTS_FAULT_ADMIN_H_

#include "tests/emulator/api/admin_api.h"
#include "tests/emulator/faults/fault_injector.h"

namespace sfsync::emulator {

// `faults` must outlive `admin`.
void AddFaultAdminRoutes(AdminApi* admin, FaultInjector* faults);

}  // namespace sfsync::emulator

#endif  // SFSYNC_TESTS_EMULATOR_FAULTS_FAULT_ADMIN_H_
