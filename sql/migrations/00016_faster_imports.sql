-- +goose Up
-- The duplicate check stands aside for a merge that does it itself
-- (euterpe.checked_plays): deciding that in the trigger's WHEN spares a
-- PL/pgSQL call for each of a million rows.
DROP TRIGGER plays_skip_duplicate ON euterpe.plays;
CREATE TRIGGER plays_skip_duplicate BEFORE INSERT ON euterpe.plays
    FOR EACH ROW WHEN (current_setting('euterpe.checked_plays', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION euterpe.plays_skip_duplicate();

-- +goose Down
DROP TRIGGER plays_skip_duplicate ON euterpe.plays;
CREATE TRIGGER plays_skip_duplicate BEFORE INSERT ON euterpe.plays
    FOR EACH ROW EXECUTE FUNCTION euterpe.plays_skip_duplicate();
