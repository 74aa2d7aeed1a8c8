import LeadEngine
import PostgresNIO
