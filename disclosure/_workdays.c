/*
 * The table lookup of WorkingDayCalendar.add_workdays, in C.
 *
 * The deadline engine, the daily sweep and every recomputation call add_workdays in
 * bulk. In Python each call costs a function frame plus the ordinal and two
 * subscripts; here it costs the ordinal arithmetic and two array reads. The answer is
 * the same by construction: the table (working-day counts per date and the working
 * dates themselves) is built by disclosure/calendars.py, which also supplies the
 * pure-Python function this object falls back to for anything outside the table or
 * any argument that is not a (date, positive int) pair. Building this module is
 * optional: without a C compiler the pure-Python function is used as it is.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <structmember.h>
#include <stdint.h>

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    long start;          /* ordinal of the table's first date */
    Py_ssize_t size;     /* number of dates in the table */
    int32_t *through;    /* through[i]: working days in [start, start + i] */
    PyObject *working;   /* tuple: working[k] is the k-th working day (k >= 1) */
    PyObject *fallback;  /* the pure-Python add_workdays(day, n) */
} WorkdayTable;

/* Days before the first of each month in a common year (index 1..12). */
static const int days_before_month[13] = {
    0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
};

/* The proleptic Gregorian ordinal of a date, as date.toordinal() computes it. */
static long
ordinal_of(PyObject *day)
{
    long year = PyDateTime_GET_YEAR(day);
    long month = PyDateTime_GET_MONTH(day);
    long before = year - 1;
    long ordinal = before * 365 + before / 4 - before / 100 + before / 400;
    ordinal += days_before_month[month];
    if (month > 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
        ordinal += 1;
    }
    return ordinal + PyDateTime_GET_DAY(day);
}

static PyObject *
table_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
                 PyObject *kwnames)
{
    WorkdayTable *self = (WorkdayTable *)callable;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs == 2 && kwnames == NULL && PyDate_Check(args[0])
        && PyLong_CheckExact(args[1])) {
        int overflow = 0;
        long n = PyLong_AsLongAndOverflow(args[1], &overflow);
        if (!overflow && n > 0 && n <= INT32_MAX) {
            long index = ordinal_of(args[0]) - self->start;
            if (index >= 0 && index < self->size) {
                long k = (long)self->through[index] + n;
                if (k < PyTuple_GET_SIZE(self->working)) {
                    PyObject *result = PyTuple_GET_ITEM(self->working, k);
                    Py_INCREF(result);
                    return result;
                }
            }
        }
    }
    /* Outside the table, n <= 0, keywords or odd arguments: the Python function
     * answers, and raises the errors it documents. */
    return PyObject_Vectorcall(self->fallback, args, nargsf, kwnames);
}

static PyObject *
table_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"start", "through", "working", "fallback", NULL};
    long start;
    PyObject *through;
    PyObject *working;
    PyObject *fallback;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "lOO!O:WorkdayTable", keywords,
                                     &start, &through, &PyTuple_Type, &working,
                                     &fallback)) {
        return NULL;
    }
    if (!PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "fallback must be callable");
        return NULL;
    }
    PyObject *counts = PySequence_Fast(through, "through must be a sequence");
    if (counts == NULL) {
        return NULL;
    }
    Py_ssize_t size = PySequence_Fast_GET_SIZE(counts);
    int32_t *table = PyMem_Malloc(sizeof(int32_t) * (size > 0 ? size : 1));
    if (table == NULL) {
        Py_DECREF(counts);
        return PyErr_NoMemory();
    }
    Py_ssize_t working_size = PyTuple_GET_SIZE(working);
    for (Py_ssize_t i = 0; i < size; i++) {
        long count = PyLong_AsLong(PySequence_Fast_GET_ITEM(counts, i));
        if (count == -1 && PyErr_Occurred()) {
            PyMem_Free(table);
            Py_DECREF(counts);
            return NULL;
        }
        if (count < 0 || count >= working_size) {
            PyErr_Format(PyExc_ValueError,
                         "through[%zd] = %ld is not an index of working", i, count);
            PyMem_Free(table);
            Py_DECREF(counts);
            return NULL;
        }
        table[i] = (int32_t)count;
    }
    Py_DECREF(counts);
    for (Py_ssize_t k = 1; k < working_size; k++) {
        if (!PyDate_Check(PyTuple_GET_ITEM(working, k))) {
            PyErr_Format(PyExc_TypeError, "working[%zd] is not a date", k);
            PyMem_Free(table);
            return NULL;
        }
    }
    WorkdayTable *self = (WorkdayTable *)type->tp_alloc(type, 0);
    if (self == NULL) {
        PyMem_Free(table);
        return NULL;
    }
    self->vectorcall = table_vectorcall;
    self->start = start;
    self->size = size;
    self->through = table;
    self->working = Py_NewRef(working);
    self->fallback = Py_NewRef(fallback);
    return (PyObject *)self;
}

static int
table_traverse(WorkdayTable *self, visitproc visit, void *arg)
{
    Py_VISIT(self->working);
    Py_VISIT(self->fallback);
    return 0;
}

static int
table_clear(WorkdayTable *self)
{
    Py_CLEAR(self->working);
    Py_CLEAR(self->fallback);
    return 0;
}

static void
table_dealloc(WorkdayTable *self)
{
    PyObject_GC_UnTrack(self);
    table_clear(self);
    PyMem_Free(self->through);
    self->through = NULL;
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMemberDef table_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(WorkdayTable, vectorcall), READONLY},
    {"fallback", T_OBJECT, offsetof(WorkdayTable, fallback), READONLY,
     "The pure-Python add_workdays this table answers for."},
    {NULL},
};

static PyTypeObject WorkdayTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "disclosure._workdays.WorkdayTable",
    .tp_doc = "add_workdays(day, n) answered from a table, else by a fallback.",
    .tp_basicsize = sizeof(WorkdayTable),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = table_new,
    .tp_dealloc = (destructor)table_dealloc,
    .tp_traverse = (traverseproc)table_traverse,
    .tp_clear = (inquiry)table_clear,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(WorkdayTable, vectorcall),
    .tp_members = table_members,
};

static struct PyModuleDef workdays_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "disclosure._workdays",
    .m_doc = "C lookup for WorkingDayCalendar.add_workdays (optional).",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__workdays(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) {
        return NULL;
    }
    if (PyType_Ready(&WorkdayTableType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&workdays_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "WorkdayTable", (PyObject *)&WorkdayTableType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
