# SPDX-License-Identifier: GPL-2.0
# deb-closure.awk: the packages a set of Debian packages pulls in, with
# their versions, read from a Packages index on stdin.
#
#   awk -v names="NAME NAME=VERSION ..." -v mode=names|deps|essential \
#       -f deb-closure.awk
#
# Prints one "package=version" line per package (unsorted): mode=names, the
# named packages alone; mode=deps, their closure; mode=essential, the
# closure of the named packages, the Essential: yes packages and apt (what
# mmdebstrap --variant=apt installs).  The closure follows Depends and Pre-Depends: of each dependency's
# alternatives the first one the index has as a real package is taken (what
# apt does when nothing else decides), and a virtual package brings every
# package that provides it.  Version constraints are ignored.  That is a
# superset of what apt installs, give or take a provider: good enough to
# notice that something under a cache entry changed.
#
# NAME=VERSION requires exactly that version in the index.  A named package
# the index lacks, or has more than once, is an error: a message on stderr
# per package, exit status 2, nothing on stdout.

function strip(s)
{
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

function add(p)
{
	if (p in seen)
		return
	seen[p] = 1
	queue[++queued] = p
}

BEGIN {
	RS = ""
	FS = "\n"
}

{
	pkg = ver = dep = prov = ""
	ess = 0
	for (i = 1; i <= NF; i++) {
		line = $i
		if (line ~ /^Package:/)
			pkg = strip(substr(line, 9))
		else if (line ~ /^Version:/)
			ver = strip(substr(line, 9))
		else if (line ~ /^(Pre-)?Depends:/) {
			sub(/^[^:]*:/, "", line)
			dep = dep "," line
		} else if (line ~ /^Provides:/)
			prov = strip(substr(line, 10))
		else if (line ~ /^Essential: *yes/)
			ess = 1
	}
	if (pkg == "")
		next
	# (mawk creates vers[pkg] on the left of an assignment before it
	# evaluates the right: test first.)
	if (pkg in vers) {
		vers[pkg] = vers[pkg] " " ver
		count[pkg]++
	} else {
		vers[pkg] = ver
		count[pkg] = 1
	}
	deps[pkg] = deps[pkg] dep
	if (ess)
		essentials[pkg] = 1
	n = split(prov, pv, ",")
	for (j = 1; j <= n; j++) {
		q = strip(pv[j])
		sub(/[ (].*/, "", q)
		providers[q] = providers[q] " " pkg
	}
}

END {
	if (mode != "names" && mode != "deps" && mode != "essential") {
		print "unknown mode '" mode "' (names, deps or essential)" > "/dev/stderr"
		exit 2
	}
	if (mode == "essential")
		names = names " apt"
	nn = split(names, want, " ")
	for (i = 1; i <= nn; i++) {
		p = want[i]
		v = ""
		if (index(p, "=")) {
			v = substr(p, index(p, "=") + 1)
			p = substr(p, 1, index(p, "=") - 1)
		}
		if (!(p in vers)) {
			print "no package " p " in the index" > "/dev/stderr"
			bad = 1
		} else if (count[p] > 1) {
			print "package " p " is in the index " count[p] " times (" vers[p] ")" > "/dev/stderr"
			bad = 1
		} else if (v != "" && vers[p] != v) {
			print "no " p " " v " in the index (it has " vers[p] ")" > "/dev/stderr"
			bad = 1
		} else
			add(p)
	}
	if (bad)
		exit 2
	if (mode == "essential")
		for (p in essentials)
			add(p)
	for (h = 1; h <= queued && mode != "names"; h++) {
		ng = split(deps[queue[h]], group, ",")
		for (g = 1; g <= ng; g++) {
			na = split(group[g], alt, "|")
			for (a = 1; a <= na; a++) {
				# "name:any (>= 1.0) [arch]" -> "name"
				q = strip(alt[a])
				sub(/[ (:\[].*/, "", q)
				if (q == "")
					continue
				if (q in vers) {
					add(q)
					break
				}
				if (q in providers) {
					np = split(providers[q], pp, " ")
					for (k = 1; k <= np; k++)
						add(pp[k])
					break
				}
			}
		}
	}
	for (p in seen)
		print p "=" vers[p]
}
