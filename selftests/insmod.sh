#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load the callops module for the suites that follow, and check that it
# became the call ops provider.
. /callops/selftests/ktap.sh

module_step insmod
