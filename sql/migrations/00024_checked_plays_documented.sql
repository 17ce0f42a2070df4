-- +goose Up
-- The rules the duplicate check follows, said in the database itself (and
-- so in sql/schema.sql) where the switch that turns it off is read.
COMMENT ON FUNCTION euterpe.plays_skip_duplicate() IS
'The same listen stored once: a play of the same user and track that ended within 30 seconds of one already stored is not inserted again; whoever met it again (a poll, another import) is recorded in euterpe.play_holders. It stands aside (its trigger''s WHEN) while the transaction-local setting euterpe.checked_plays is ''on'': only an import''s merge sets it (history.Importer, queries EnableCheckedPlays/DisableCheckedPlays), in the transaction that does the same check itself for all its rows at once and records their holders; set_config(..., true) ends it with that transaction.';
COMMENT ON TRIGGER plays_skip_duplicate ON euterpe.plays IS
'Skipped while euterpe.checked_plays is ''on'' (an import''s merge, which checks its rows itself): see the function''s comment.';

-- +goose Down
COMMENT ON TRIGGER plays_skip_duplicate ON euterpe.plays IS NULL;
COMMENT ON FUNCTION euterpe.plays_skip_duplicate() IS NULL;
