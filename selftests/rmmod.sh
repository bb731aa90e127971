#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unload the callops module while whatever the earlier suites left runs,
# and check that call sites are back on the list path.
. /callops/selftests/ktap.sh

module_step rmmod
