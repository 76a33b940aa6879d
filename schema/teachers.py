"""Types of the teacher's screens (grio-api-v1.txt §7), made from the resolvers' result
classes (schema/results.py)."""

from resolvers.assignments import AssignmentView
from resolvers.teachers import ClassPerformance, ClassStudent, StudentStanding, TeacherClass
from schema.results import graphql_type

graphql_type(TeacherClass)
graphql_type(ClassStudent)
graphql_type(StudentStanding)
graphql_type(ClassPerformance)
graphql_type(AssignmentView, "Assignment")

__all__ = ["AssignmentView", "ClassPerformance", "ClassStudent", "TeacherClass"]
