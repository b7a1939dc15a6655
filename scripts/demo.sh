#!/usr/bin/env bash
# demo.sh: a guided tour of bankctl on var/demo.db (what `make run` runs).
#
# The first run creates var/demo.db and sets up a small bank: a branch, a savings and a
# current product, two customers with addresses, three accounts, deposits, transfers, a
# hold, a refused overdraft and a refused malformed amount. Later runs change nothing:
# they show the customers, accounts, balances, statements, the trial balance and `verify`. Every command is
# printed before it runs, so the output doubles as a bankctl tutorial.
#
# Usage: [BANKCTL=path/to/bankctl] [DEMO_DB=path] scripts/demo.sh
#   BANKCTL defaults to build/examples/bankctl/bankctl, DEMO_DB to var/demo.db.
#   Start over: rm var/demo.db && scripts/demo.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BANKCTL=${BANKCTL:-$root/build/examples/bankctl/bankctl}
DB=${DEMO_DB:-$root/var/demo.db}

if [ ! -x "$BANKCTL" ]; then
	echo "demo: $BANKCTL is not built yet: run 'make build' first (or set BANKCTL)" >&2
	exit 1
fi
mkdir -p "$(dirname "$DB")"

# The database path as shown in the echoed commands (relative to the repository).
shown_db=${DB#"$root"/}

# Quotes one word for display the way a shell user would type it.
quote() {
	case $1 in
	'' | *[!A-Za-z0-9_./:=+@%,-]*) printf "'%s'" "${1//\'/\'\\\'\'}" ;;
	*) printf '%s' "$1" ;;
	esac
}

# Prints the command line about to run.
show() {
	local line="bankctl --db $shown_db" w
	for w in "$@"; do
		line+=" $(quote "$w")"
	done
	printf '\n$ %s\n' "$line"
}

# Runs a bankctl command, printing it first.
run() {
	show "$@"
	"$BANKCTL" --db "$DB" "$@"
}

# Runs a command that is expected to be refused: shows its error and exit status and
# carries on.
run_refused() {
	show "$@"
	local rc=0
	"$BANKCTL" --db "$DB" "$@" 2>&1 || rc=$?
	echo "(exit status $rc: refused as expected, nothing changed)"
}

# capture VAR ARGS...: runs a command, prints its output and stores it in VAR.
capture() {
	local var=$1 out
	shift
	show "$@"
	out=$("$BANKCTL" --db "$DB" "$@")
	printf '%s\n' "$out"
	printf -v "$var" '%s' "$out"
}

section() {
	printf '\n==== %s ====\n' "$1"
}

# find_account CUSTOMER_ID PRODUCT: the number of that customer's account of PRODUCT.
find_account() {
	"$BANKCTL" --db "$DB" account list --customer "$1" | awk -v p="$2" 'NR > 1 && $4 == p { print $1; exit }'
}

# find_customer NAME: the id of the first customer with that exact name.
find_customer() {
	"$BANKCTL" --db "$DB" --json customer list |
		tr '{' '\n' | grep -F "\"name\":\"$1\"" | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p' | head -n 1
}

echo "bankctl demo: $BANKCTL"
echo "database:     $shown_db"

new=0
if [ ! -e "$DB" ]; then
	new=1
fi

section "Create (or migrate) the database"
run init
if [ "$new" = 0 ] && ! "$BANKCTL" --db "$DB" branch show MAIN >/dev/null 2>&1; then
	new=1 # an empty database from an interrupted first run
fi

if [ "$new" = 1 ]; then
	section "A branch and two products"
	run branch add MAIN "Main Street" --address "1 Main Street, Springfield"
	run product add SAVER "Everyday Saver" --kind savings --currency USD --min-balance 100.00 --rate 2.5
	run product add CHECK "Current Account" --kind current --currency USD --min-balance 0 --rate 0 \
		--overdraft 250.00
	run product list

	section "Two customers (customer add prints the new id)"
	capture alice customer add --name "Alice Martin" --dob 1988-04-12 --occupation Engineer \
		--income 72000.00 --email alice@example.com --phone "+1 555 0100" \
		--address-line1 "12 Oak Avenue" --city Springfield --region IL --postal-code 62701 --country US
	capture bob customer add --name "Bob Stone" --email bob@example.com \
		--address-line1 "7 Elm Road" --address-line2 "Flat 3" --city Springfield --region IL \
		--postal-code 62704 --country US
	run customer show "$alice"

	section "Three accounts (account open prints the new number)"
	capture alice_saver account open --customer "$alice" --product SAVER --branch MAIN
	capture alice_check account open --customer "$alice" --product CHECK --branch MAIN
	capture bob_check account open --customer "$bob" --product CHECK --branch MAIN
	run account edit "$alice_saver" --name "Alice's rainy-day fund"

	section "Deposits, with an idempotency key"
	run deposit "$alice_saver" 1500.00 --id demo-opening-alice --memo "opening deposit"
	run deposit "$bob_check" 300 --memo "opening deposit"
	echo
	echo "# The same request again with the same --id posts nothing: status \"exists\"."
	run --json deposit "$alice_saver" 1500.00 --id demo-opening-alice --memo "opening deposit"

	section "Transfers"
	run transfer "$alice_saver" "$alice_check" 400.00 --memo "monthly budget"
	run transfer "$alice_check" "$bob_check" 75.25 --memo "dinner" --id demo-dinner

	section "A hold: reserve funds now, settle later"
	run hold "$bob_check" 50.00 --id demo-hotel --expires-in 86400 --memo "hotel deposit"
	run balance "$bob_check"
	run hold post demo-hotel 42.10 --id demo-hotel-settled
	run balance "$bob_check"

	section "Refusals change nothing"
	echo "# Alice's current account: 324.75 USD with a 250.00 overdraft: 574.75 available."
	run_refused withdraw "$alice_check" 1000.00
	echo "# The savings product keeps a 100.00 minimum balance."
	run_refused --json transfer "$alice_saver" "$bob_check" 1050.00
	echo "# Amounts are plain decimals in the account's currency: no separators, no sign."
	run_refused --json deposit "$alice_check" 1,234.50
else
	section "Existing demo bank: skipping the setup (rm $shown_db to start over)"
	alice=$(find_customer "Alice Martin")
	bob=$(find_customer "Bob Stone")
	alice_saver=$(find_account "${alice:-0}" SAVER || true)
	alice_check=$(find_account "${alice:-0}" CHECK || true)
	bob_check=$(find_account "${bob:-0}" CHECK || true)
	if [ -z "$alice_saver" ] || [ -z "$alice_check" ] || [ -z "$bob_check" ]; then
		echo "demo: $shown_db does not hold the demo accounts; remove it and run again" >&2
		exit 1
	fi
	run customer list
	run account list
fi

section "Balances"
run balance "$alice_saver"
run --json balance "$alice_check"
run balance "$bob_check"

section "Statements (--limit pages through; pass --after with the cursor shown)"
run statement "$alice_check"
page=""
capture page --json statement "$alice_saver" --limit 1
cursor=$(printf '%s\n' "$page" | sed -n 's/.*"next":"\([^"]*\)".*/\1/p')
if [ -n "$cursor" ]; then
	echo
	echo "# \"next\" is a cursor: pass it back with --after for the following page."
	run statement "$alice_saver" --limit 1 --after "$cursor"
fi

section "Books and checks"
run trial-balance
run verify

cat <<EOF

==== What next ====
Try a few commands yourself (the demo accounts are $alice_saver, $alice_check and $bob_check):

  $BANKCTL --db $shown_db help
  $BANKCTL --db $shown_db account show $alice_check
  $BANKCTL --db $shown_db --json statement $bob_check --from $(date -u +%Y-%m-%d)
  $BANKCTL --db $shown_db deposit $bob_check 20.00 --memo "my first deposit"
  $BANKCTL --db $shown_db audit --limit 10

Or point BANK_DB at a file of your own:  export BANK_DB=/tmp/mybank.db; bankctl init

Documentation: docs/bankctl.md (every command, its JSON output and error codes).
Tests:         make check (unit, e2e with bankctl, headers, sanitizers)
Start over:    rm $shown_db && make run
EOF
