# t-horizon.sh - the second example call, config/calls/horizon-ia-2025,
# written to the Horizon Europe rules, end to end through aap-ingest,
# aap-validate, aap-score and aap-export: its ranking and the ex aequo
# procedure on proposals tied on purpose; the export's bytes are kept in
# tests/data/export/horizon-ia-2025.csv.
# shellcheck shell=bash

HE="$T_TOP/config/calls/horizon-ia-2025"

# he_stream: the sample proposals scored, into ./scored.stream; aap-validate's
# stderr in ./validate.err.
he_stream() {
	aap-ingest --call "$HE" "$HE/sample/proposals.csv" |
		aap-validate --call "$HE" 2>validate.err |
		aap-score --call "$HE" --reviews "$HE/sample/reviews.csv" \
			--consensus "$HE/sample/consensus.csv" \
			--conflicts "$HE/sample/conflicts.csv" >scored.stream
}

t_begin horizon_call_ranks_by_the_ex_aequo_procedure
he_stream || t_fail "the pipeline failed"
grep -qx 'aap-validate: warning: 1 of 14 applications are not admissible' validate.err ||
	t_fail "aap-validate: $(cat validate.err)"
grep -v '^#' scored.stream | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(",".join([r["application_id"], r["acronym"], r["total"], r["rank"],
                    r["rank_reason"], r["decision"], r["award"]]))' >got
# Totals are excellence + 1.5 x impact + implementation (an innovation
# action); the consensus report sets every score but PEATGUARD's.
# - AQUASENSE (5, 5, 4.5) is first alone; it covers the topic's areas
#   early-warning and water and the countries DE, FR, IT, NL.
# - Eight proposals total 15.5; the procedure places them one at a time:
#   1. HEATMAP is the only one addressing an area no proposal above covers
#      (urban-heat): coverage of the topic's areas;
#   2. among the rest, RIVERTWIN has the best impact score (5 against 4):
#      impact comes before excellence in an innovation action;
#   3. ALPWARN then has the best excellence (5 against 4.5);
#   4. the five left score 4.5, 4, 5 alike; IRRIGAIA names 2 women and
#      2 men, the others 1 and 3: gender balance;
#   5. BALTICWATER brings a country no proposal above has (EE):
#      geographical diversity;
#   6. GROUNDWISE, DELTAFLOW and SOILMOIST are alike in every step of the
#      procedure: what is left to the panel, the proposal number orders.
# - FLOODNET's scores 3, 3.5, 3.5 sum to 10: both thresholds met at
#   equality; weighted, 11.75.
# - COOLROOF (5, 5, 2.5; 15 weighted) fails the threshold of implementation,
#   HEATHEALTH (3, 3, 3.5; 11 weighted) the sum of 10; PEATGUARD has two
#   experts (the third declared a conflict of interest) and no consensus
#   yet: incomplete; LATEFLOOD came after the deadline: inadmissible.
# - The budget of 14,000,000 goes down the ranking and stops at the first
#   proposal it cannot fund (GROUNDWISE, 40,000 being left); the next three
#   form the reserve list.  BALTICWATER's coordinator is a company: 70 % of
#   its eligible costs of 2,800,000 caps its award at 1,960,000.
diff -u - got <<'EOF2' || t_fail "ranking differs"
101190001,AQUASENSE,17.0000,1,,funded,3000000.00
101190002,HEATMAP,15.5000,2,coverage:topic_areas,funded,2500000.00
101190003,RIVERTWIN,15.5000,3,score:impact,funded,2000000.00
101190004,ALPWARN,15.5000,4,score:excellence,funded,2500000.00
101190006,IRRIGAIA,15.5000,5,balance:women:men,funded,2000000.00
101190008,BALTICWATER,15.5000,6,coverage:countries,funded,1960000.00
101190005,GROUNDWISE,15.5000,7,application_id,reserve,0.00
101190007,DELTAFLOW,15.5000,8,application_id,reserve,0.00
101190009,SOILMOIST,15.5000,9,,reserve,0.00
101190011,FLOODNET,11.7500,10,,not_funded,0.00
101190010,COOLROOF,15.0000,,,below_threshold,0.00
101190012,HEATHEALTH,11.0000,,,below_threshold,0.00
101190013,PEATGUARD,,,,incomplete,0.00
101190014,LATEFLOOD,,,,inadmissible,0.00
EOF2
tail -n 1 scored.stream | grep -q ' envelope=14000000.00 granted=13960000.00 left=40000.00 ' ||
	t_fail "trailer: $(tail -n 1 scored.stream)"
t_end

t_begin horizon_call_exports_its_ranking_in_english
he_stream
t_run aap-export --call "$HE" --format csv scored.stream
t_status 0
cmp -s out "$DATA/export/horizon-ia-2025.csv" ||
	t_fail "csv differs from $DATA/export/horizon-ia-2025.csv"
t_end
