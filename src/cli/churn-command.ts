import { Command, InvalidArgumentError } from 'commander'
import { evaluateChurnCsv, type EvaluateCsvDetails, type EvaluateCsvParams } from '../server/modules/churn'
import { loadConfig } from '../server/platform/config'
import { readDataDirOwner } from '../server/platform/data-dir-lock'
import { migrateDb, openDb } from '../server/platform/db'
import { withDatabase } from './admin-client'

type EvaluateOptions = { csv: string; id: string; label: string; splitColumn: string; positive?: string; keep: boolean; seed: number }

const log = (message: string) => process.stderr.write(`${message}\n`)

/**
 * Where the evaluation runs: in this process on the configured database; or — while a server owns
 * the PGlite data dir, which no second process may open — in a throwaway in-memory database, since
 * the scratch workspace is deleted afterwards anyway.
 */
async function evaluate(params: EvaluateCsvParams): Promise<EvaluateCsvDetails> {
  const config = loadConfig()
  const owner = config.databaseUrl ? null : readDataDirOwner(config.dataDir)
  if (!owner) return withDatabase((db) => evaluateChurnCsv(db, params))
  if (params.keep) throw new InvalidArgumentError(`--keep needs the data directory, which Bosun (pid ${owner.pid}) is using; stop it or leave out --keep`)
  log(`Bosun (pid ${owner.pid}) owns ${config.dataDir}: evaluating in a temporary in-memory database`)
  const handle = await openDb({})
  try {
    await migrateDb(handle)
    return await evaluateChurnCsv(handle.db, params)
  } finally {
    await handle.close()
  }
}

/** `bosun churn evaluate`: validation of the churn model on a labelled CSV with a train/test split column. */
export function registerChurnCommand(program: Command) {
  const churn = program.command('churn').description('Churn-risk model')
  churn
    .command('evaluate')
    .description('Import a labelled CSV into a scratch workspace, train on the "train" rows, score the "test" rows; prints one JSON line {auc, pr_auc, brier, model, rows_train, rows_test}')
    .requiredOption('--csv <file>', 'the CSV file, one row per customer')
    .requiredOption('--id <column>', 'column with a unique id per row')
    .requiredOption('--label <column>', 'column saying whether the customer churned')
    .requiredOption('--split-column <column>', 'column holding "train" or "test" (any case)')
    .option('--positive <value>', 'the label value meaning churned (default: detected — yes, true, 1, churned, y, …)')
    .option('--keep', 'keep the scratch workspace instead of deleting it', false)
    .option(
      '--seed <n>',
      'random seed of the folds and trees',
      (value: string) => {
        const parsed = Number(value)
        if (!Number.isInteger(parsed)) throw new InvalidArgumentError('seed must be a whole number')
        return parsed
      },
      42,
    )
    .action(async (options: EvaluateOptions) => {
      const details = await evaluate({
        file: options.csv,
        idColumn: options.id,
        labelColumn: options.label,
        splitColumn: options.splitColumn,
        positive: options.positive,
        keep: options.keep,
        seed: options.seed,
        onProgress: log,
      })
      const { seconds } = details
      log(`done in ${seconds.total.toFixed(1)} s (import ${seconds.import.toFixed(1)} s, model ${seconds.train.toFixed(1)} s); cross-validated AUC on the training rows ${details.churnModel.cvAuc.toFixed(4)}`)
      if (details.workspace.kept) log(`scratch workspace kept: ${details.workspace.slug}`)
      process.stdout.write(`${JSON.stringify(details.result)}\n`)
    })
}
