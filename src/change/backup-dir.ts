// Where backups go unless --backup-dir says otherwise.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where backups go without --backup-dir: ~/.kube/antrea-certs-backups. */
export const defaultBackupDir = () => join(homedir(), '.kube', 'antrea-certs-backups');
