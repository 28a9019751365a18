"""Realistic wrong answers for case unit 10 (レンタサイクルの軌跡分析), each with its hint."""

from harness import WrongAnswer, choice_answers

UNIT = "10_case_rental_bike"

_ENDS = (
    'ends = trajectory.trip_ends(gps_ok["trip_id"], gps_ok["recorded_at"], gps_ok["lat"], '
    'gps_ok["lon"])\n'
    'ends["出発エリア"] = trajectory.assign_area(ends["start_lat"], ends["start_lon"], areas)\n'
    'ends["到着エリア"] = trajectory.assign_area(ends["end_lat"], ends["end_lon"], areas)\n'
)
_STAYS = (
    'stays = trajectory.stay_points(gps_ok["trip_id"], gps_ok["recorded_at"], gps_ok["lat"], '
    'gps_ok["lon"], distance_m={d}, min_minutes={m})\n'
    'stays["エリア"] = trajectory.assign_area(stays["lat"], stays["lon"], areas)'
)
_GPS_TAIL = (
    'gps["recorded_at"] = pd.to_datetime(gps["recorded_at"], format="%Y-%m-%dT%H:%M:%S%z")\n'
    'gps = gps.sort_values(["trip_id", "recorded_at"]).reset_index(drop=True)'
)
_TRIPS_HEAD = (
    "trips = trips_raw.copy()\n"
    'trips["started_at"] = pd.to_datetime(trips["started_at"])\n'
    'trips["ended_at"] = pd.to_datetime(trips["ended_at"])\n'
    'trips["利用時間_分"] = (trips["ended_at"] - trips["started_at"]).dt.total_seconds() / 60\n'
)

WRONG_ANSWERS: list[WrongAnswer] = [
    # ex1: strip only — 全角 digits and half-width katakana stay.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            "users = users_raw.copy()\n"
            'for column in ["利用目的", "年代", "国籍"]:\n'
            "    users[column] = users[column].str.strip()"
        ),
        hint="全角数字",
    ),
    # ex1: NFKC only — the full-width space becomes a half-width space but is not removed.
    WrongAnswer(
        cell="ex1",
        test="ex1_test",
        code=(
            "users = users_raw.copy()\n"
            'users["利用目的"] = users["利用目的"].str.strip()\n'
            'for column in ["年代", "国籍"]:\n'
            '    users[column] = users[column].str.normalize("NFKC")'
        ),
        hint="前後に空白",
    ),
    # ex2: forgot drop_duplicates.
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            'gps = gps_raw[gps_raw["lat"].between(SOUTH, NORTH) '
            '& gps_raw["lon"].between(WEST, EAST)].copy()\n' + _GPS_TAIL
        ),
        hint="重複",
    ),
    # ex2: removed only the (0, 0) fixes, not the jumps hundreds of km away.
    WrongAnswer(
        cell="ex2",
        test="ex2_test",
        code=(
            "gps = gps_raw.drop_duplicates()\n"
            'gps = gps[(gps["lat"] != 0) & (gps["lon"] != 0)].copy()\n' + _GPS_TAIL
        ),
        hint="範囲外の点",
    ),
    # ex3: dropped only the trips under one minute.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=_TRIPS_HEAD + 'trips = trips[trips["利用時間_分"] >= 1].reset_index(drop=True)',
        hint="24時間",
    ),
    # ex3: dropped only the forgotten returns.
    WrongAnswer(
        cell="ex3",
        test="ex3_test",
        code=_TRIPS_HEAD + 'trips = trips[trips["利用時間_分"] <= 1440].reset_index(drop=True)',
        hint="1分未満",
    ),
    # ex4: shift over the whole table, so each trip starts from the previous trip's end.
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'segment_m = trajectory.haversine_m(gps_ok["lat"].shift(), gps_ok["lon"].shift(), '
            'gps_ok["lat"], gps_ok["lon"])\n'
            'trip_km = segment_m.groupby(gps_ok["trip_id"]).sum() / 1000'
        ),
        hint="trip_id ごとに",
    ),
    # ex4: left in metres.
    WrongAnswer(
        cell="ex4",
        test="ex4_test",
        code=(
            'by_trip = gps_ok.groupby("trip_id")\n'
            'segment_m = trajectory.haversine_m(by_trip["lat"].shift(), by_trip["lon"].shift(), '
            'gps_ok["lat"], gps_ok["lon"])\n'
            'trip_km = segment_m.groupby(gps_ok["trip_id"]).sum()'
        ),
        hint="メートルのまま",
    ),
    # ex5: rows and columns swapped.
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=_ENDS + 'od_table = trajectory.od_matrix(ends["到着エリア"], ends["出発エリア"], '
        "order=AREA_ORDER)",
        hint="行と列が逆",
    ),
    # ex5: shares instead of counts.
    WrongAnswer(
        cell="ex5",
        test="ex5_test",
        code=_ENDS
        + 'od_table = pd.crosstab(ends["出発エリア"], ends["到着エリア"], normalize="all")'
        ".reindex(index=AREA_ORDER, columns=AREA_ORDER, fill_value=0)",
        hint="件数で数え",
    ),
    # ex6: 10 minutes instead of 15.
    WrongAnswer(
        cell="ex6", test="ex6_test", code=_STAYS.format(d=200, m=10), hint="min_minutes=15"
    ),
    # ex6: 200 m given in km.
    WrongAnswer(cell="ex6", test="ex6_test", code=_STAYS.format(d=0.2, m=15), hint="メートル単位"),
    # ex7: proportion 0–1 instead of percent.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            'is_foreign = stays_u["国籍区分"] == "外国"\n'
            'foreign_share = is_foreign.groupby(stays_u["エリア"]).mean()'
            ".sort_values(ascending=False)"
        ),
        hint="100 を掛けて",
    ),
    # ex7: the breakdown of foreign stays by area (column share) instead of the share per area.
    WrongAnswer(
        cell="ex7",
        test="ex7_test",
        code=(
            'foreign_share = (stays_u.loc[stays_u["国籍区分"] == "外国", "エリア"]'
            ".value_counts(normalize=True) * 100).sort_values(ascending=False)"
        ),
        hint="エリアごとの滞在のうち",
    ),
    # ex8: counted stays (延べ回数) instead of people.
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            'people = pd.crosstab(stays_u["エリア"], stays_u["国籍"])\n'
            "people_shared = people.where((people == 0) | (people >= 5))"
        ),
        hint="nunique",
    ),
    # ex8: hid the zero cells too.
    WrongAnswer(
        cell="ex8",
        test="ex8_test",
        code=(
            'people = stays_u.pivot_table(index="エリア", columns="国籍", values="user_id", '
            'aggfunc="nunique", fill_value=0)\n'
            "people_shared = people.where(people >= 5)"
        ),
        hint="0人のセル",
    ),
]

# Decisions: one wrong answer per wrong option, each with its own hint.
WRONG_ANSWERS += [
    # ex7b: what to count when asking where foreign visitors stop.
    *choice_answers(
        "ex7b",
        {"A": "擬似反復です", "B": "時間を数えていることになります", "D": "寺町にはポートがない"},
    ),
    # ex7c: is 「約3倍」 supported by 14 and 15 people?
    *choice_answers(
        "ex7c",
        {
            "A": "同じ点推定を2回計算しただけ",
            "C": "寺町14人・旧市街15人しかいません",
            "D": "報告をやめるのではなく",
        },
    ),
    # ex8b: what may be handed to the tourism association and the assembly.
    *choice_answers(
        "ex8b",
        {
            "A": "宿泊先や本人が分かります",
            "B": "1人が5回立ち止まっただけ",
            "C": "1〜4人のセルは秘匿します",
        },
    ),
    # ex8c: what to recommend for the multilingual signs.
    *choice_answers(
        "ex8c",
        {
            "B": "均等に配ると",
            "C": "見送っても案内板の効果は分からない",
            "D": "出発の多さは貸出ポートの場所",
        },
    ),
]
