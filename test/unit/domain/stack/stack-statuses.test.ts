import { describe, expect, it } from 'vitest';
import {
  ChangeSetStatus,
  DriftDetectionStatus,
  ExecutionStatus,
  isInProgress,
  isUpdatable,
  operationOutcome,
  StackStatus,
  toChangeSetStatus,
  toDifferenceType,
  toDriftDetectionStatus,
  toExecutionStatus,
  toResourceDriftStatus,
  toStackDriftStatus,
  toStackStatus,
} from '../../../../shared/domain/stack/stack-statuses.ts';

describe('the Stacks port statuses', () => {
  it.each(Object.values(StackStatus))('keeps the stack status %s as it is', (status) => {
    expect(toStackStatus(status)).toBe(status);
  });

  it.each([undefined, '', 'update_complete', 'constructor', 'toString'])(
    'reads the stack status %j as UNKNOWN: never terminal, updatable or in progress',
    (raw) => {
      const status = toStackStatus(raw);
      expect(status).toBe(StackStatus.UNKNOWN);
      expect(operationOutcome(status)).toBeUndefined();
      expect(isUpdatable(status)).toBe(false);
      expect(isInProgress(status)).toBe(false);
    },
  );

  it.each(['TOTALLY_NEW_IN_PROGRESS', 'UPDATE_COMPLETE_FUTURE_IN_PROGRESS'])(
    'reads the unknown running status %s as busy: in progress, never terminal or updatable',
    (raw) => {
      const status = toStackStatus(raw);
      expect(status).toBe(StackStatus.UNKNOWN_IN_PROGRESS);
      expect(isInProgress(status)).toBe(true);
      expect(operationOutcome(status)).toBeUndefined();
      expect(isUpdatable(status)).toBe(false);
    },
  );

  it('keeps known change set statuses and reads any other as UNKNOWN', () => {
    expect(toChangeSetStatus('CREATE_COMPLETE')).toBe(ChangeSetStatus.CREATE_COMPLETE);
    expect(toChangeSetStatus('FAILED')).toBe(ChangeSetStatus.FAILED);
    expect(toChangeSetStatus('EXECUTE_COMPLETE')).toBe(ChangeSetStatus.UNKNOWN);
    expect(toChangeSetStatus(undefined)).toBe(ChangeSetStatus.UNKNOWN);
  });

  it('keeps known execution statuses and gives none for any other', () => {
    expect(toExecutionStatus('AVAILABLE')).toBe(ExecutionStatus.AVAILABLE);
    expect(toExecutionStatus('OBSOLETE')).toBe(ExecutionStatus.OBSOLETE);
    expect(toExecutionStatus('CREATE_COMPLETE')).toBeUndefined();
    expect(toExecutionStatus(undefined)).toBeUndefined();
  });

  it('reads a drift detection status it does not know as failed, never as still running', () => {
    expect(toDriftDetectionStatus('DETECTION_IN_PROGRESS')).toBe(DriftDetectionStatus.DETECTION_IN_PROGRESS);
    expect(toDriftDetectionStatus('DETECTION_COMPLETE')).toBe(DriftDetectionStatus.DETECTION_COMPLETE);
    expect(toDriftDetectionStatus('SOMETHING_ELSE')).toBe(DriftDetectionStatus.DETECTION_FAILED);
    expect(toDriftDetectionStatus(undefined)).toBe(DriftDetectionStatus.DETECTION_FAILED);
  });

  it('reads drift statuses it does not know as UNKNOWN, never as in sync', () => {
    expect(toStackDriftStatus('DRIFTED')).toBe('DRIFTED');
    expect(toStackDriftStatus('in_sync')).toBe('UNKNOWN');
    expect(toResourceDriftStatus('MODIFIED')).toBe('MODIFIED');
    expect(toResourceDriftStatus('UNSUPPORTED')).toBe('UNKNOWN');
    expect(toResourceDriftStatus(undefined)).toBe('UNKNOWN');
  });

  it('reads a property difference other than ADD or REMOVE as NOT_EQUAL', () => {
    expect(toDifferenceType('ADD')).toBe('ADD');
    expect(toDifferenceType('REMOVE')).toBe('REMOVE');
    expect(toDifferenceType('')).toBe('NOT_EQUAL');
  });
});
