// Where backups go unless --backup-dir says otherwise.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const defaultBackupDir = () => join(homedir(), '.kube', 'antrea-certs-backups');
