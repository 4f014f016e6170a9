-- Rollup columns of the three features appended after 0011 (issue 10): instructed_recent, instructed_out_in_ratio and
-- instructed_out_in_lift, the prompts the elicitation classifier flags judged on their own over hours (how many
-- recently, their output/input ratio, and that ratio over the key's as a whole), which show harvesting mixed into a
-- reseller's other traffic. Hours written before hold empty states for them; their rows have shorter feature arrays
-- (fewest_features), so the investigator reads those hours raw for these features, as 0008 describes.
@append_rollup_features instructed_recent, instructed_out_in_ratio, instructed_out_in_lift;
