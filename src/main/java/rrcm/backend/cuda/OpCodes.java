package rrcm.backend.cuda;

import rrcm.backend.BinaryOp;
import rrcm.backend.ReduceOp;
import rrcm.backend.ScalarOp;
import rrcm.backend.UnaryOp;

/** The op codes of kernels/common.cuh (UnaryCode, ScalarCode, BinaryCode, ReduceCode), written out. */
final class OpCodes {
    private OpCodes() {}

    static int unary(UnaryOp op) {
        return switch (op) {
            case NEG -> 0;
            case EXP -> 1;
            case LOG -> 2;
            case SQRT -> 3;
            case RELU -> 4;
            case GELU -> 5;
            case TANH -> 6;
            case SIGMOID -> 7;
            case ABS -> 8;
        };
    }

    static int scalar(ScalarOp op) {
        return switch (op) {
            case ADD -> 0;
            case MUL -> 1;
            case DIV -> 2;
            case RSUB -> 3;
            case RDIV -> 4;
            case POW -> 5;
            case MAX -> 6;
            case MIN -> 7;
        };
    }

    static int binary(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case MAX -> 4;
            case MIN -> 5;
            case EQ -> 6;
            case GT -> 7;
        };
    }

    /** MEAN reduces as SUM; the caller scales the last pass. */
    static int reduce(ReduceOp op) {
        return switch (op) {
            case SUM, MEAN -> 0;
            case MAX -> 1;
            case MIN -> 2;
        };
    }
}
